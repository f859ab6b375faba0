/**
 * The PDF never hides a table's columns: a table too wide for the page is
 * printed in parts, with a warning, and text fidelity counts every cell.
 * The real command in process (one Chromium), pdftotext, and the parts
 * checked cell by cell.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import type {Element, Root} from 'hast'
import {toString} from 'hast-util-to-string'
import {visit} from 'unist-util-visit'
import {blocksOf, checkFidelity} from '../build/check/fidelity.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {pageSizes} from '../build/document/page-sizes.ts'
import {sliceWideTables} from '../build/editions/pdf/wide-tables.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {stringsFor} from '../build/strings.ts'
import {fixtures, folio, projectRoot, scratchFolder, tool} from './harness.ts'

const input = path.join(fixtures, 'wide-table', 'input.md')

async function document() {
  const [work] = await findWorks([input], process.cwd())
  return (await loadWork(work!)).document!
}

describe('a table of sixty columns', () => {
  test('is printed in parts that hold every cell once (the first column in each), captioned, ids once', async () => {
    const tree = structuredClone((await document()).chapters[0]!.tree) as Root
    const reports: string[] = []
    sliceWideTables(tree, {pageSize: pageSizes.a4!, strings: stringsFor('en'), report: (_, reason) => reports.push(reason)})
    assert.deepEqual(reports, ['Table of 60 columns is too wide for the page: the PDF prints it in 5 parts, its first column repeated in each'])
    const tables: Element[] = []
    visit(tree, 'element', (node) => {
      if (node.tagName === 'table') tables.push(node)
    })
    assert.equal(tables.length, 5)
    const cells = tables.flatMap((table) => {
      const found: string[] = []
      visit(table, 'element', (node) => {
        if (node.tagName === 'td' || node.tagName === 'th') found.push(toString(node))
      })
      return found
    })
    const expected = ['Row', ...Array.from({length: 59}, (_, index) => `H${index + 1}`), ...[0, 1, 2].flatMap((row) => [`r${row}`, ...Array.from({length: 59}, (_, index) => `r${row}c${index + 1}`)])]
    const firstColumn = new Set(['Row', 'r0', 'r1', 'r2'])
    assert.deepEqual([...new Set(cells)].sort(), [...expected].sort(), 'every cell is printed')
    assert.equal(cells.filter((cell) => !firstColumn.has(cell)).length, expected.length - 4, 'each other cell once')
    const captions = tables.map((table) => toString(table.children.find((child): child is Element => child.type === 'element' && child.tagName === 'caption')!))
    assert.match(captions[0]!, /^Table 1\. Sixty columns of measurements Columns 1–\d+ of 60$/)
    assert.match(captions[4]!, /^Columns \d+–60 of 60$/)
    assert.deepEqual(tables.map((table) => table.properties.id).filter(Boolean), ['table-1'])
  })

  test('text fidelity counts table cells: a cell missing from an edition is an error at its place', async () => {
    const blocks = blocksOf(await document())
    assert.equal(blocks.filter((block) => block.kind === 'cell').length, 240)
    const all = blocks.map((block) => block.text).join(' ')
    assert.equal(checkFidelity('pdf', blocks, all, {cwd: projectRoot}).status, 'pass')
    const result = checkFidelity('pdf', blocks, all.replace(' r1c59 ', ' '), {cwd: projectRoot})
    assert.equal(result.status, 'fail')
    assert.match(result.problems.join('\n'), /input\.md:\d+:\d+ {2}Table cell missing from the pdf edition: “r1c59”/)
  })

  describe('built', () => {
    const out = scratchFolder('wide-table')
    const lines: string[] = []
    let code = -1
    before(async () => {
      const run = await folio(['build', input, '--format', 'pdf', '--out', out, '--check'])
      code = run.code
      lines.push(run.stdout, run.stderr)
    })

    test('the PDF holds every cell, says so, and its checks pass', async () => {
      assert.equal(code, 0, lines.join('\n'))
      assert.match(lines.join('\n'), /input\.md:8:1 +warning +Table of 60 columns is too wide for the page: the PDF prints it in 5 parts/)
      assert.match(lines.join('\n'), /pdf +text fidelity +pass +2 paragraphs and 0 headings in order, 240 table cells/)
      const text = await tool('pdftotext', [path.join(out, 'input.pdf'), '-'])
      for (const row of [0, 1, 2]) for (let column = 1; column < 60; column++) assert.ok(text.includes(`r${row}c${column}`), `r${row}c${column} is printed`)
    })
  })
})
