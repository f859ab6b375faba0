/**
 * The contents' page numbers with one full print. Chromium cannot print a
 * page number it has not laid out yet (no `target-counter()`), so the
 * numbers are read back from a print. Printing the whole work twice costs
 * twice; instead:
 *
 * 1. every page number of the contents has a box of fixed width
 *    (print.css: `.toc-page`, wider in a `.toc-wide` contents for works of
 *    a thousand pages and more), so that no contents line can change with
 *    its number;
 * 2. the work is printed once, and each entry's page read from that PDF;
 * 3. on the same loaded page the numbers are filled in and everything after
 *    the contents hidden (from Puppeteer's isolated world: the page's own
 *    scripts stay off), and printed again: only the front pages, cheap;
 * 4. the contents pages of the first PDF take the new pages' `/Contents`
 *    and `/Resources`; page objects, link annotations, `/StructParents`,
 *    the structure tree and its ParentTree stay. That holds only when the
 *    two prints marked the same content: the marked-content tags and MCIDs
 *    of each replaced page (and its links' rectangles) are compared, and
 *    when anything differs, or a number needs more digits than its box,
 *    the numbers are printed with the whole work again until they hold.
 *
 * The caller prints (its options, its time limits); this module drives the
 * page between prints and edits the PDF. The structure (PDF 32000-1, 14.7.4:
 * marked content identifiers are per content stream) is what makes the
 * splice safe: an MCID names a sequence in its page's content stream, and
 * the ParentTree maps (StructParents, MCID) to the structure element.
 */
import {readFile} from 'node:fs/promises'
import v8 from 'node:v8'
import {inflateSync} from 'node:zlib'
import {LRUCache} from 'lru-cache'
import {
  ParseSpeeds,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  PDFObjectCopier,
  PDFRawStream,
  PDFRef,
  type PDFPageLeaf
} from 'pdf-lib'
import type {Page} from 'puppeteer'
import {evaluateIsolated} from '../../browser/isolated-world.ts'
import type {ContentsEntry} from '../../document/contents.ts'
import {locateHeadings, type Headings} from './finish.ts'
import {fillNumbers, frontPagesDigest, widenNumberBoxes} from './page-scripts.ts'
import {readTextLayerAhead} from './text-layer.ts'
import {cacheFile} from '../../project.ts'
import {keepInCache} from '../../write-whole.ts'

export interface ContentsPrintOptions {
  /** The print page, loaded. */
  page: Page
  /** What the printed contents list (each entry's `id` is a link target). */
  contents: ContentsEntry[]
  /** Print the page as it is now (the edition's print options and time limits). */
  print: () => Promise<Uint8Array>
  /** Figures a page number's box holds: 3, or 5 in a `.toc-wide` contents. More than fit means wider boxes and another full print. */
  digits?: number
  /**
   * After each full print, with each entry's page: change the page if the
   * layout needs it (blank pages before chapters on book sizes) and return
   * true, and it is printed in full again.
   */
  settle?: (pages: Map<string, number>) => Promise<boolean>
  /** Full prints before giving up on numbers that keep moving. */
  maxPasses?: number
  /** Told before the front pages are printed. */
  onFrontPages?: () => void
  /**
   * What the front pages' print depends on besides the page's DOM: the
   * browser, and every resource the page was served. With it, a print of
   * the same front pages is kept and used again (`frontPagesPrinted`).
   */
  frontPagesKey?: () => string
  /** The file the front pages' print is kept in for the next process, under the same key (`keptFrontPagesFile`). */
  frontPagesFile?: string
}

export interface ContentsPrint {
  /** The PDF, loaded, with its contents' numbers right. */
  pdf: PDFDocument
  headings: Headings
  /** `spliced`: one full print and one of the front pages; `reprinted`: the numbers needed full prints. */
  method: 'spliced' | 'reprinted'
  /** Why the splice was not used, when it was not. */
  reason?: string | undefined
  /** Full prints, and prints of the front pages only (none when one was kept). */
  fullPrints: number
  frontPrints: number
}

/**
 * Front pages printed by this process, by `frontPagesDigest` and
 * `frontPagesKey`: an edit to the text leaves them as they were unless it
 * moves a contents' number, and their print was 100–150 ms of a warm
 * rebuild of the 50x work. Chromium prints the same DOM with the same
 * resources to the same bytes, so a kept print is the one a print now
 * would give.
 */
const frontPagesPrinted = new LRUCache<string, Uint8Array>({max: 8})

/**
 * The file a work's edition (`edition` names it: its root, slug and kind)
 * keeps its front pages' print in for the next process, in
 * node_modules/.cache/folio/front-pages, printed by a browser
 * (`BrowserService.identity`): a build of a work built before whose front
 * pages did not change does not print them again (150–200 ms of a cold 50x
 * build). Deleting the folder costs only time.
 */
export function keptFrontPagesFile(browser: string, edition: string): string {
  return cacheFile('front-pages', '.v8', browser, edition)
}

/** The print kept in `file` under `key`; undefined when another is, or the file does not read whole. */
async function readKeptFrontPages(file: string, key: string): Promise<Uint8Array | undefined> {
  try {
    const kept = v8.deserialize(await readFile(file)) as {key?: unknown; bytes?: unknown}
    return kept?.key === key && kept.bytes instanceof Uint8Array ? kept.bytes : undefined
  } catch {
    return undefined
  }
}

/** What a new process starts with: no front pages printed (for the tests). */
export function forgetFrontPages(): void {
  frontPagesPrinted.clear()
}

/** pdf-lib reads without yielding to the event loop between objects: three times faster on a long work. */
export const fastLoad = {updateMetadata: false, parseSpeed: ParseSpeeds.Fastest} as const

export async function printWithContents(options: ContentsPrintOptions): Promise<ContentsPrint> {
  const {page, contents} = options
  const digits = options.digits ?? 3
  const maxPasses = options.maxPasses ?? 4

  let fullPrints = 0
  let pdf: PDFDocument
  let headings: Headings
  for (;;) {
    pdf = await PDFDocument.load(await options.print(), fastLoad)
    fullPrints++
    headings = locateHeadings(pdf, contents)
    if (!options.settle || fullPrints >= maxPasses || !(await options.settle(headings.pages))) break
  }

  const numbers = Object.fromEntries([...headings.pages].map(([id, number]) => [id, String(number)]))
  let reason: string | undefined
  let frontPrints = 0
  if (String(pdf.getPageCount()).length > digits) reason = `${pdf.getPageCount()} pages need more than ${digits} figures`
  if (!reason) {
    const bodyStart = Math.min(...headings.pages.values())
    // While Chromium prints the front pages, the body's streams are read on Node's thread and libuv's.
    readTextLayerAhead(pdf)
    options.onFrontPages?.()
    await evaluateIsolated(page, fillNumbers, numbers, false)
    const key = options.frontPagesKey && `${options.frontPagesKey()}\n${await evaluateIsolated(page, frontPagesDigest)}`
    let frontBytes = key === undefined ? undefined : frontPagesPrinted.get(key)
    if (!frontBytes && key !== undefined && options.frontPagesFile) frontBytes = await readKeptFrontPages(options.frontPagesFile, key)
    if (!frontBytes) {
      await evaluateIsolated(page, fillNumbers, numbers, true)
      frontBytes = await options.print()
      frontPrints++
      await evaluateIsolated(page, fillNumbers, numbers, false)
      if (key !== undefined && options.frontPagesFile) void keepInCache(options.frontPagesFile, v8.serialize({key, bytes: frontBytes}), 'the cache of front pages')
    }
    if (key !== undefined) frontPagesPrinted.set(key, frontBytes)
    reason = spliceFrontPages(pdf, await PDFDocument.load(frontBytes, fastLoad), bodyStart)
    if (!reason) return {pdf, headings, method: 'spliced', fullPrints, frontPrints}
  }

  // The whole work with the numbers, until they hold (on the page already loaded), in boxes wide enough for them.
  if (String(pdf.getPageCount()).length > digits) await evaluateIsolated(page, widenNumberBoxes)
  for (let pass = 0; pass < maxPasses; pass++) {
    await evaluateIsolated(page, fillNumbers, Object.fromEntries([...headings.pages].map(([id, number]) => [id, String(number)])), false)
    const next = await PDFDocument.load(await options.print(), fastLoad)
    fullPrints++
    const located = locateHeadings(next, contents)
    const held = samePages(located.pages, headings.pages)
    pdf = next
    headings = located
    if (held) break
  }
  return {pdf, headings, method: 'reprinted', reason, fullPrints, frontPrints}
}

/**
 * Give the pages before `bodyStart` (1-based) that differ between the prints
 * the second print's content and resources. Returns why not, when the
 * prints did not mark the same content, and changes nothing then.
 */
export function spliceFrontPages(pdf: PDFDocument, front: PDFDocument, bodyStart: number): string | undefined {
  const pages = pdf.getPages()
  const frontPages = front.getPages()
  const changed: number[] = []
  // Pages after the contents and before the text (a blank verso) are not in the second print, and need not be.
  for (let index = 0; index < Math.min(bodyStart - 1, frontPages.length); index++) {
    const target = pages[index]!
    const source = frontPages[index]!
    const before = pageContent(pdf, target.node)
    const after = pageContent(front, source.node)
    if (before === after) continue
    const tagsBefore = markedContent(before)
    const tagsAfter = markedContent(after)
    if (tagsBefore.join(' ') !== tagsAfter.join(' ')) return `the front page ${index + 1} is tagged differently in the second print`
    // The same links in the same places, within a point: the two prints place lines a few hundredths of a point apart.
    if (!sameRectangles(linkRectangles(pdf, target.node), linkRectangles(front, source.node))) return `the links of page ${index + 1} moved in the second print`
    if (String(target.node.get(PDFName.of('MediaBox'))) !== String(source.node.get(PDFName.of('MediaBox')))) return `page ${index + 1} changed size`
    changed.push(index)
  }
  const copier = PDFObjectCopier.for(front.context, pdf.context)
  for (const index of changed) {
    const target = pages[index]!.node
    const source = frontPages[index]!.node
    for (const ref of contentRefs(target)) pdf.context.delete(ref)
    target.set(PDFName.of('Contents'), copier.copy(source.get(PDFName.of('Contents'))!))
    target.set(PDFName.of('Resources'), copier.copy(source.get(PDFName.of('Resources'))!))
  }
  return undefined
}

/** A page's content streams, decoded and joined. */
export function pageContent(pdf: PDFDocument, page: PDFPageLeaf): string {
  const contents = page.get(PDFName.of('Contents'))
  const refs = contents instanceof PDFArray ? contents.asArray() : [contents]
  return refs
    .map((ref) => {
      const stream = ref instanceof PDFRef ? pdf.context.lookup(ref) : ref
      if (!(stream instanceof PDFRawStream)) return ''
      const filter = stream.dict.get(PDFName.of('Filter'))
      const bytes = filter === PDFName.of('FlateDecode') ? inflateSync(stream.contents) : stream.contents
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
    })
    .join('\n')
}

/**
 * The marked-content operators of a content stream, in order: `P:3` for
 * `/P <</MCID 3>> BDC`, `Artifact` for `/Artifact BMC`, `EMC`. Glyphs are
 * written as hex strings, so no text can look like an operator.
 */
export function markedContent(content: string): string[] {
  const tags: string[] = []
  const pattern = /\/([^\s/<>[\]()]+)\s*(?:<<([^>]*)>>|\/[^\s/<>[\]()]+)?\s*BDC|\/([^\s/<>[\]()]+)\s*BMC|\bEMC\b/g
  for (const match of content.matchAll(pattern)) {
    if (match[1]) tags.push(`${match[1]}:${/\/MCID\s+(\d+)/.exec(match[2] ?? '')?.[1] ?? ''}`)
    else if (match[3]) tags.push(match[3])
    else tags.push('EMC')
  }
  return tags
}

function linkRectangles(pdf: PDFDocument, page: PDFPageLeaf): number[][] {
  const annotations = page.lookupMaybe(PDFName.of('Annots'), PDFArray)
  if (!annotations) return []
  return annotations
    .asArray()
    .map((ref) => pdf.context.lookup(ref))
    .filter((annotation): annotation is PDFDict => annotation instanceof PDFDict && annotation.get(PDFName.of('Subtype')) === PDFName.of('Link'))
    .map((annotation) =>
      annotation
        .lookup(PDFName.of('Rect'), PDFArray)
        .asArray()
        .map((value) => (value instanceof PDFNumber ? value.asNumber() : Number.NaN))
    )
}

function sameRectangles(a: number[][], b: number[][]): boolean {
  return a.length === b.length && a.every((rectangle, index) => rectangle.every((value, corner) => Math.abs(value - b[index]![corner]!) < 1))
}

function contentRefs(page: PDFPageLeaf): PDFRef[] {
  const contents = page.get(PDFName.of('Contents'))
  const list = contents instanceof PDFArray ? contents.asArray() : [contents]
  return list.filter((item): item is PDFRef => item instanceof PDFRef)
}

function samePages(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([id, page]) => b.get(id) === page)
}
