/**
 * The HTML edition printed from a browser (its `@media print` layer): our
 * own page margins, a measure of 60–75 characters, lines set ragged right
 * (no justified gaps where the browser cannot hyphenate), the title block
 * without a gap under it, and no download buttons. Printed with the shared
 * Chromium, measured with pdftotext.
 */
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {browser, folio, scratchFolder, tool} from './harness.ts'

/** The page printed as a browser prints it: the paper's size, the page's own margins (none given by the printer). */
async function printed(html: string, format: 'A4' | 'Letter'): Promise<{pdf: Uint8Array; layout: {titleGap: number; downloads: boolean; textAlign: string; hyphens: string}}> {
  return browser.run({description: 'printing the HTML page', site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html', body: html} : undefined)}, async (page) => {
    await page.emulateMediaType('print')
    const layout = await page.evaluate(`(() => {
      const shown = [...document.querySelectorAll('.title-block > *')].filter((element) => element.getBoundingClientRect().height > 0)
      const first = document.querySelector('main p')
      const downloads = document.querySelector('.downloads')
      const paragraph = document.querySelector('main p')
      const style = getComputedStyle(paragraph)
      return {
        titleGap: first.getBoundingClientRect().top - shown[shown.length - 1].getBoundingClientRect().bottom,
        downloads: downloads ? downloads.getBoundingClientRect().height > 0 : false,
        textAlign: style.textAlign,
        hyphens: style.hyphens
      }
    })()`)
    const pdf = await page.pdf({format, printBackground: false})
    return {pdf: new Uint8Array(pdf), layout: layout as never}
  })
}

/** Lengths of the text's full lines (a paragraph's last line is shorter: left out by the threshold). */
function lineLengths(text: string): number[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line.length >= 40 && /[a-z]{3}/.test(line)).map((line) => [...line].length)
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

describe('the HTML page printed from a browser', () => {
  const out = scratchFolder('html-print')
  let html: string
  before(async () => {
    const build = await folio(['build', 'manuscript/winning-the-peace-in-ukraine.md', '--format', 'html', '--out', out], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    assert.equal(build.code, 0, build.stderr)
    html = readFileSync(path.join(out, 'winning-the-peace-in-ukraine.html'), 'utf8')
  })

  for (const format of ['A4', 'Letter'] as const) {
    test(`on ${format}: our margins and a measure of 60–75 characters`, async () => {
      const {pdf} = await printed(html, format)
      const folder = mkdtempSync(path.join(tmpdir(), 'folio-print-'))
      writeFileSync(path.join(folder, 'page.pdf'), pdf)
      const lengths = lineLengths(await tool('pdftotext', ['-raw', path.join(folder, 'page.pdf'), '-']))
      assert.ok(lengths.length > 100, `${lengths.length} lines`)
      const typical = median(lengths)
      assert.ok(typical >= 60 && typical <= 75, `median line: ${typical} characters`)
      const longest = [...lengths].sort((a, b) => a - b)[Math.floor(lengths.length * 0.95)]!
      assert.ok(longest <= 80, `95th percentile: ${longest} characters`)
      const box = (await tool('pdfinfo', ['-box', path.join(folder, 'page.pdf')])).match(/MediaBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/)
      assert.ok(box)
      const bbox = await tool('pdftotext', ['-bbox', '-f', '2', '-l', '2', path.join(folder, 'page.pdf'), '-'])
      const xs = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"/g)].map((match) => [Number(match[1]), Number(match[3])] as const)
      const left = Math.min(...xs.map(([x]) => x))
      // Folio's margins: at least 18 mm on the left (the browser's default is 10 mm); 1 mm = 2.835 pt.
      assert.ok(left >= 18 * 2.835, `left margin ${(left / 2.835).toFixed(1)} mm`)
    })
  }

  test('ragged right and hyphenated where the browser can; no gap under the title block; no download buttons', async () => {
    const {layout} = await printed(html, 'A4')
    assert.equal(layout.downloads, false, 'the PDF and EPUB buttons are hidden')
    assert.match(layout.textAlign, /^(start|left)$/)
    assert.equal(layout.hyphens, 'auto')
    assert.ok(html.includes('<html lang="en'), 'hyphenation needs the language')
    assert.ok(layout.titleGap <= 48, `${layout.titleGap} px between the title block's last line and the text`)
  })
})
