/**
 * A work printed in parts and merged (print-in-parts.ts, merge-parts.ts)
 * is the PDF printed whole: the same text page for page (folios, running
 * heads and the contents' numbers included), the same tags on every page
 * (pdf.js reads each page's structure through the merged ParentTree), every
 * link landing where it lands in the whole print, the same outline; tagged
 * and reproducible; Folio's own PDF checks pass. Real Chromium, read back
 * with pdf.js and poppler.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {checkPdf} from '../build/check/pdf-check.ts'
import type {Document} from '../build/document/document.ts'
import {pageSizes} from '../build/document/page-sizes.ts'
import {buildPdfEdition, type PagesPrinted} from '../build/editions/pdf/index.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {editionSettings} from '../build/pipeline/settings.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {writeLongWork} from '../scripts/long-work.ts'
import {browser, fixtures, scratchFolder, tool} from './harness.ts'

const scratch = scratchFolder('print-in-parts')

async function documentOf(work: string): Promise<Document> {
  const [source] = await findWorks([work], scratch)
  const result = await loadWork(source!)
  assert.ok(result.document, result.files.flatMap((file) => file.messages.map(String)).join('\n'))
  return result.document
}

function build(document: Document, pageSize: string, wordsPerPart: number, onPages?: (pages: PagesPrinted) => void): Promise<Uint8Array> {
  return buildPdfEdition({document, browser, settings: editionSettings(document, {pageSize, sourceDateEpoch: 1700000000}), wordsPerPart, ...(onPages ? {onPages} : {})})
}

async function pagesText(bytes: Uint8Array, name: string): Promise<string[]> {
  const file = path.join(scratch, name)
  writeFileSync(file, bytes)
  return (await tool('pdftotext', ['-layout', file, '-'])).split('\f')
}

interface Reading {
  /** Each page's structure: the roles of its structure tree, in order. */
  tags: string[]
  /** Each internal link: its page and the page it goes to. */
  links: string[]
  /** Where each link is on its page (points). */
  rectangles: number[][]
  outline: string[]
}

/** What pdf.js reads of a PDF's structure, links and outline. */
async function read(bytes: Uint8Array): Promise<Reading> {
  const {getDocument} = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const pdf = await getDocument({data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, isEvalSupported: false, verbosity: 0}).promise
  const reading: Reading = {tags: [], links: [], rectangles: [], outline: []}
  const target = async (destination: unknown) => {
    const explicit = typeof destination === 'string' ? await pdf.getDestination(destination) : destination
    assert.ok(Array.isArray(explicit), `a destination resolves: ${JSON.stringify(destination)}`)
    return (await pdf.getPageIndex(explicit[0])) + 1
  }
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number)
    const roles: string[] = []
    const walk = (node: {role?: string; type?: string; children?: unknown[]}) => {
      roles.push(node.role ?? node.type ?? '?')
      for (const child of node.children ?? []) walk(child as typeof node)
    }
    const tree = await page.getStructTree()
    if (tree) walk(tree as never)
    reading.tags.push(`${number}: ${roles.join(' ')}`)
    for (const annotation of await page.getAnnotations()) {
      if (annotation.subtype !== 'Link' || annotation.url) continue
      reading.links.push(`${number} -> ${await target(annotation.dest)}`)
      reading.rectangles.push(annotation.rect as number[])
    }
    page.cleanup()
  }
  const walk = async (items: Array<{title: string; dest: unknown; items: unknown[]}> | null, depth: number): Promise<void> => {
    for (const item of items ?? []) {
      reading.outline.push(`${'  '.repeat(depth)}${item.title} -> ${await target(item.dest)}`)
      await walk(item.items as never, depth + 1)
    }
  }
  await walk((await pdf.getOutline()) as never, 0)
  await pdf.destroy()
  return reading
}

/** The same places, within a point: a long page and a short one place lines a few hundredths of a point apart. */
function sameRectangles(a: number[][], b: number[][]): void {
  assert.equal(a.length, b.length)
  for (const [index, rectangle] of a.entries()) {
    assert.ok(rectangle.every((value, corner) => Math.abs(value - b[index]![corner]!) < 1), `link ${index + 1}: ${rectangle.join(',')} against ${b[index]!.join(',')}`)
  }
}

describe('a work of twelve chapters printed in parts', () => {
  let document: Document
  let whole: Uint8Array
  let parts: Uint8Array
  const progress: PagesPrinted[] = []
  before(async () => {
    const work = writeLongWork(path.join(scratch, 'twelve'), {words: 8_000, chapters: 12, seed: 5})
    document = await documentOf(work.folder)
    whole = await build(document, 'a4', 1e9)
    parts = await build(document, 'a4', 2_500, (pages) => progress.push(pages))
  })

  test('is printed in parts, each reported as it is done', () => {
    assert.ok(progress.length >= 3, `${progress.length} parts`)
    assert.deepEqual(progress.map((event) => event.part), progress.map((_, index) => index + 1))
    assert.ok(progress.every((event) => event.parts === progress.length))
    assert.ok(progress.every((event, index) => index === 0 || event.pages > progress[index - 1]!.pages))
    assert.ok(progress.every((event) => event.of >= event.pages))
    assert.equal(progress.at(-1)!.of, progress.at(-1)!.pages)
  })

  test('has the text of the whole print, page for page: folios, running heads and the contents\' numbers included', async () => {
    const a = await pagesText(parts, 'parts.pdf')
    const b = await pagesText(whole, 'whole.pdf')
    assert.ok(a.length > 20, `${a.length} pages`)
    assert.deepEqual(a, b)
    // The contents show each chapter's page: the number beside its title is the page it opens on.
    const chapters = [...(a[0]! + a[1]!).matchAll(/^(\d+\. \S+ \S+).*?(\d+)$/gm)].map((match) => ({title: match[1]!, page: Number(match[2])}))
    assert.equal(chapters.length, 12)
    // A title may break after a hyphen of its own (the work's words come from the text Folio ships, docs included).
    for (const {title, page} of chapters) assert.ok(a[page - 1]!.replace(/-\n\s*/g, '-').replace(/\s+/g, ' ').trimStart().startsWith(title), `${title} on page ${page}`)
    // The front pages (title, contents) are printed as a part of their own: printed with text, a long contents doubled a part's memory.
    assert.equal(progress[0]!.pages, chapters[0]!.page - 1, 'the first part printed is the front pages')
  })

  test('has the same tags on every page, the same links to the same pages, the same outline', async () => {
    const a = await read(parts)
    const b = await read(whole)
    assert.ok(b.links.length > 30, `${b.links.length} links`)
    assert.ok(b.tags.filter((line) => / Document .*\bP\b/.test(line)).length > b.tags.length / 2, 'most pages have tagged paragraphs')
    assert.deepEqual(a.outline, b.outline)
    assert.deepEqual(a.links, b.links)
    sameRectangles(a.rectangles, b.rectangles)
    assert.deepEqual(a.tags, b.tags)
  })

  test("is tagged and passes Folio's own PDF checks", async () => {
    assert.match(await tool('pdfinfo', [path.join(scratch, 'parts.pdf')]), /^Tagged: +yes$/m)
    const reading = await checkPdf(parts, {edition: 'pdf', document, pageSize: pageSizes.a4!, printReady: false})
    assert.equal(reading.result.status, 'pass', JSON.stringify(reading.result))
  })

  test('is the same, byte for byte, when built again, with no page held open beside the two parts at work', async () => {
    // Each job's page is open while its work runs: the first part's is not kept for the contents' numbers (its renderer's memory).
    const run = browser.run.bind(browser)
    let open = 0
    let most = 0
    browser.run = (job, work) =>
      run(job, async (page, progress) => {
        most = Math.max(most, ++open)
        try {
          return await work(page, progress)
        } finally {
          open--
        }
      })
    let again: Uint8Array
    try {
      again = await build(document, 'a4', 2_500)
    } finally {
      browser.run = run
    }
    assert.ok(Buffer.from(again).equals(Buffer.from(parts)))
    assert.equal(most, Math.min(2, availableParallelism()))
  })
})

describe('a book in 6×9 in with parts printed in parts', () => {
  test('has the text, tags, links and outline of the whole print, chapters on right-hand pages', async () => {
    const document = await documentOf(path.join(fixtures, 'book-grade'))
    const whole = await build(document, '6x9in', 1e9)
    const progress: PagesPrinted[] = []
    const parts = await build(document, '6x9in', 60, (pages) => progress.push(pages))
    assert.ok(progress.length >= 3, `${progress.length} parts`)
    const a = await pagesText(parts, 'book-parts.pdf')
    assert.deepEqual(a, await pagesText(whole, 'book-whole.pdf'))
    // A part after the first opens on a right-hand page.
    assert.ok(progress.slice(0, -1).every((event) => event.pages % 2 === 0 || a[event.pages]!.trim() === ''), JSON.stringify(progress))
    const readParts = await read(parts)
    const readWhole = await read(whole)
    assert.deepEqual(readParts.links, readWhole.links)
    sameRectangles(readParts.rectangles, readWhole.rectangles)
    assert.deepEqual(readParts.outline, readWhole.outline)
    assert.deepEqual(readParts.tags, readWhole.tags)
  })
})
