/**
 * The cover outside the EPUB: the PDF's optional first page (front matter
 * or book.yaml `cover-page: true`, or the theme's `cover-page`), and the
 * HTML page's Open Graph image, written beside the page for a work with a
 * canonical `url`.
 */
import assert from 'node:assert/strict'
import {cpSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, describe, test} from 'node:test'
import {loadWork} from '../build/pipeline/load-work.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {browser, fixtures, folio, pdfText, projectRoot, scratchFolder, tool} from './harness.ts'

after(() => browser.close())

const brief = readFileSync(path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'), 'utf8')
/** The brief with more front-matter fields. */
const briefWith = (fields: string) => brief.replace(/^lang: en$/m, `lang: en\n${fields}`)

/** The images pdfimages lists on one page: width, height and resolution. */
async function imagesOn(file: string, page: number): Promise<Array<{width: number; height: number; ppi: number}>> {
  const list = await tool('pdfimages', ['-list', '-f', String(page), '-l', String(page), file])
  return list
    .split('\n')
    .slice(2)
    .filter((line) => line.trim())
    .map((line) => line.trim().split(/\s+/))
    .map((columns) => ({width: Number(columns[3]), height: Number(columns[4]), ppi: Number(columns[12])}))
}

/** Width and height of a page's MediaBox, in points. */
async function mediaBox(file: string, page: number): Promise<[number, number]> {
  const info = await tool('pdfinfo', ['-f', String(page), '-l', String(page), '-box', file])
  const [x0, y0, x1, y1] = /MediaBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(info)!.slice(1).map(Number) as [number, number, number, number]
  return [x1 - x0, y1 - y0]
}

/** Where each link of a page goes (1-based pages), by pdf.js. */
async function linkTargets(bytes: Uint8Array, page: number): Promise<number[]> {
  const {getDocument} = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const pdf = await getDocument({data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, isEvalSupported: false, verbosity: 0}).promise
  const annotations = (await (await pdf.getPage(page)).getAnnotations()) as Array<{subtype: string; dest?: string | unknown[]}>
  const targets: number[] = []
  for (const annotation of annotations) {
    if (annotation.subtype !== 'Link' || !annotation.dest) continue
    const destination = typeof annotation.dest === 'string' ? await pdf.getDestination(annotation.dest) : annotation.dest
    targets.push((await pdf.getPageIndex(destination![0] as {num: number; gen: number})) + 1)
  }
  await pdf.destroy()
  return targets
}

describe('the cover as the PDF\'s first page', () => {
  test('cover-page: true in book.yaml: page 1 is the cover alone, full-bleed; page 2 the title; the contents\' numbers and links right; the checks pass', async () => {
    const folder = scratchFolder('cover-page')
    const work = path.join(folder, 'book-grade')
    cpSync(path.join(fixtures, 'book-grade'), work, {recursive: true})
    writeFileSync(path.join(work, 'book.yaml'), `${readFileSync(path.join(work, 'book.yaml'), 'utf8')}cover-page: true\n`)
    const out = path.join(folder, 'out')
    const run = await folio(['build', work, '--format', 'pdf,pdf-print', '--check', '--out', out])
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.match(run.stdout, /pdf\s+text fidelity\s+pass/)
    assert.match(run.stdout, /pdf-print\s+text fidelity\s+pass/)

    for (const name of ['book-grade.pdf', 'book-grade.print.pdf']) {
      const file = path.join(out, name)
      // One image, as large as the whole sheet (the bleed too in the print-ready PDF), and no text.
      const images = await imagesOn(file, 1)
      assert.equal(images.length, 1, `${name}: one image on page 1`)
      const [width, height] = await mediaBox(file, 1)
      assert.ok(Math.abs((images[0]!.width / images[0]!.ppi) * 72 - width) < 2, `${name}: the image is as wide as the page`)
      assert.ok(Math.abs((images[0]!.height / images[0]!.ppi) * 72 - height) < 2, `${name}: the image is as tall as the page`)
      assert.equal((await tool('pdftotext', ['-f', '1', '-l', '1', file, '-'])).trim(), '', `${name}: no text on the cover`)
    }

    const bytes = new Uint8Array(readFileSync(path.join(out, 'book-grade.pdf')))
    const pages = await pdfText(bytes)
    assert.match(pages[1]!, /^\s*EXAMPLE POLICY PAPERS, NO\. 7\s+After the War/i, 'page 2 is the title page')
    assert.equal((await imagesOn(path.join(out, 'book-grade.pdf'), 2)).length, 0)
    // Every number on the contents page is the page its entry opens on, and every link goes there.
    const contentsPage = pages.findIndex((text) => /^\s*(?:\d+\s+)?Contents\s/i.test(text)) + 1
    assert.ok(contentsPage > 2, 'a contents page after the title')
    const layout = await tool('pdftotext', ['-layout', '-f', String(contentsPage), '-l', String(contentsPage), path.join(out, 'book-grade.pdf'), '-'])
    const entries = [...layout.matchAll(/^\s*(\S.*?)[\s.]+?(\d+)\s*$/gm)].filter((match) => /[A-Za-z]/.test(match[1]!)).map((match) => ({title: match[1]!.replace(/[\s.]+$/, ''), page: Number(match[2])}))
    assert.ok(entries.length >= 3, `entries on the contents page: ${layout}`)
    for (const entry of entries) assert.ok(pages[entry.page - 1]!.includes(entry.title), `"${entry.title}" is on page ${entry.page}`)
    const targets = await linkTargets(bytes, contentsPage)
    assert.deepEqual([...new Set(targets)].sort((a, b) => a - b), [...new Set(entries.map((entry) => entry.page))].sort((a, b) => a - b))
  })

  test('without it, the brief opens with its title on page 1, no image there', async () => {
    const folder = scratchFolder('no-cover-page')
    const out = path.join(folder, 'out')
    const run = await folio(['build', path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'), '--format', 'pdf', '--out', out])
    assert.equal(run.code, 0, run.stderr)
    const file = path.join(out, 'winning-the-peace-in-ukraine.pdf')
    assert.equal((await imagesOn(file, 1)).length, 0)
    assert.match((await pdfText(new Uint8Array(readFileSync(file))))[0]!, /^\s*Winning the Peace in Ukraine/)
  })

  test('a theme may choose the cover page; the work\'s own word wins', async () => {
    const folder = scratchFolder('cover-page-theme')
    mkdirSync(path.join(folder, 'house'))
    writeFileSync(path.join(folder, 'house', 'theme.yaml'), 'cover-page: true\n')
    writeFileSync(path.join(folder, 'chosen.md'), briefWith('theme: house'))
    writeFileSync(path.join(folder, 'declined.md'), briefWith('theme: house\ncover-page: false'))
    writeFileSync(path.join(folder, 'plain.md'), brief)
    writeFileSync(path.join(folder, 'wrong.md'), briefWith('cover-page: sometimes'))
    const load = async (name: string) => loadWork((await findWorks([path.join(folder, name)], folder))[0]!)
    assert.equal((await load('chosen.md')).document!.layout.coverPage, true)
    assert.notEqual((await load('declined.md')).document!.layout.coverPage, true)
    assert.notEqual((await load('plain.md')).document!.layout.coverPage, true)
    const wrong = await load('wrong.md')
    assert.equal(wrong.document, undefined)
    assert.ok(wrong.files.some((file) => file.messages.some((message) => /cover-page.*must be true or false/.test(message.reason) && message.line === 5)))
  })
})

describe('the Open Graph image', () => {
  test('with a url, og:image names the cover beside the page by its absolute address; without, no og:image and no file', async () => {
    const folder = scratchFolder('open-graph')
    writeFileSync(path.join(folder, 'placed.md'), briefWith('url: https://example.org/briefs/winning-the-peace'))
    writeFileSync(path.join(folder, 'unplaced.md'), brief)
    const out = path.join(folder, 'out')
    const run = await folio(['build', path.join(folder, 'placed.md'), path.join(folder, 'unplaced.md'), '--format', 'html', '--out', out])
    assert.equal(run.code, 0, run.stderr)
    const meta = (html: string, property: string) => new RegExp(`<meta property="${property}" content="([^"]*)">`).exec(html)?.[1]

    const placed = readFileSync(path.join(out, 'placed.html'), 'utf8')
    assert.equal(meta(placed, 'og:title'), 'Winning the Peace in Ukraine')
    assert.equal(meta(placed, 'og:type'), 'article')
    assert.match(meta(placed, 'og:description') ?? '', /^A policy brief arguing/)
    assert.equal(meta(placed, 'og:image'), 'https://example.org/briefs/placed.cover.jpg')
    assert.equal(meta(placed, 'og:url'), 'https://example.org/briefs/winning-the-peace')
    const cover = readFileSync(path.join(out, 'placed.cover.jpg'))
    assert.deepEqual([...cover.subarray(0, 2), ...cover.subarray(-2)], [0xff, 0xd8, 0xff, 0xd9], 'a whole JPEG')
    const report = JSON.parse(readFileSync(path.join(out, 'placed.report.json'), 'utf8')) as {editions: Array<{format: string; companions?: Array<{file: string; bytes: number}>}>}
    assert.deepEqual(report.editions.find((edition) => edition.format === 'html')?.companions, [{file: 'placed.cover.jpg', bytes: cover.byteLength}])

    const unplaced = readFileSync(path.join(out, 'unplaced.html'), 'utf8')
    assert.equal(meta(unplaced, 'og:title'), 'Winning the Peace in Ukraine')
    assert.equal(meta(unplaced, 'og:type'), 'article')
    assert.ok(meta(unplaced, 'og:description'))
    assert.equal(meta(unplaced, 'og:image'), undefined)
    assert.equal(existsSync(path.join(out, 'unplaced.cover.jpg')), false)
  })
})
