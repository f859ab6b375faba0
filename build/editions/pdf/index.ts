/**
 * The PDF edition: the print page rendered by the shared Chromium, then
 * finished with pdf-lib. The work is printed once; the contents' page
 * numbers, read back from that print, are printed with the front pages only
 * and spliced in (contents-pages.ts). A work of more words than a part holds
 * (and more than one chapter) is printed in parts and merged
 * (print-in-parts.ts). Page references in the text ("on page 7") change the
 * text itself, so a work with them is printed whole again until the numbers
 * hold.
 * `pdf-print` is the print-ready variant: 3 mm bleed, TrimBox and BleedBox,
 * links in the text colour.
 */
import type {Element, Root} from 'hast'
import type {VFile} from 'vfile'
import {warn} from '../../messages.ts'
import {CancelledError} from '../../errors.ts'
import {toHtml} from 'hast-util-to-html'
import {PDFDocument} from 'pdf-lib'
import type {Page} from 'puppeteer'
import {visit} from 'unist-util-visit'
import type {BrowserService} from '../../browser/browser-service.ts'
import type {Document} from '../../document/document.ts'
import {bleed} from '../../document/page-sizes.ts'
import {contentsOf, countContents, partOpenedBy, type ContentsEntry} from '../../document/contents.ts'
import type {EditionSettings} from '../../document/settings.ts'
import {stringsFor} from '../../strings.ts'
import type {TimeLimit} from '../../time-limit.ts'
import {fillPageReferences, pageReferenceTargets} from '../../transform/cross-references.ts'
import {coverImage, coverSize, type CoverImage} from '../epub/cover.ts'
import {fontSite} from '../fonts.ts'
import {opensWithTitlePage} from '../imprint.ts'
import {finishPdf, locateHeadings, type Headings} from './finish.ts'
import {breakRunawayWords, hyphenateTree, type TextsHyphenated} from './hyphenation.ts'
import {keptHyphenationFile, readKeptHyphenation, writeKeptHyphenation} from './hyphenation-kept.ts'
import {applyLineBreaks, linesUsed, printWidth, settleLineBreaks, type LinesUsed} from './line-breaking.ts'
import {keptPlansFile, readKeptPlans, writeKeptPlans} from './line-plans-kept.ts'
import {keptStreamsFile, readKeptStreams, writeKeptStreams} from './streams-kept.ts'
import type {TextLayerKept} from './text-layer.ts'
import {fastLoad, keptFrontPagesFile, printWithContents} from './contents-pages.ts'
import {widenNumberBoxes} from './page-scripts.ts'
import {noting, origin, type Site} from '../../browser/virtual-origin.ts'
import {evaluateIsolated} from '../../browser/isolated-world.ts'
import {clearRunningHeads} from './opening-pages.ts'
import {pagesOfTargets} from './page-references.ts'
import {logoPath, printPage} from './print-page.ts'
import {printNotes} from './print-notes.ts'
import {svgInHouseFonts} from './svg-fonts.ts'
import {sliceWideTables} from './wide-tables.ts'
import {defaultWordsPerPart, printInParts, rectoBlanks, sameSet, splitPrintPage, type PartPrinted} from './print-in-parts.ts'
import {availableParallelism} from 'node:os'

export interface PdfEditionOptions {
  document: Document
  settings: EditionSettings
  browser: BrowserService
  /** The print-ready variant. */
  printReady?: boolean
  /** How long the edition may go without getting further (checked as it goes). */
  timeLimit?: TimeLimit
  /** Told when the edition moves to a new stage ('typesetting', 'printing', …), for progress on screen. */
  onStage?: (stage: string) => void
  /** Stops the print when its result is no longer wanted (watch mode: a newer save). */
  signal?: AbortSignal
  /** Told after each part of a work printed in parts: the pages so far, and an estimate of all. */
  onPages?: (pages: PagesPrinted) => void
  /** A work of more words than this (and more than one chapter) is printed in parts of about as many. Default 100,000. */
  wordsPerPart?: number
  /** Told when a page of the print is asked to load in the browser (the session builds the other editions from then). */
  onLoading?: () => void
}

/** Pages printed so far of a work printed in parts. */
export interface PagesPrinted {
  pages: number
  /** Pages expected in all, from the words printed so far. */
  of: number
  part: number
  parts: number
}

/** Full prints before giving up on page numbers settling. */
const maxPasses = 4
const assetsPath = '/assets/'
const coverPath = '/cover/'

/** A print, read back: the PDF and where the contents' entries fell. */
interface Printed {
  pdf: PDFDocument
  headings: Headings
}

export async function buildPdfEdition(options: PdfEditionOptions): Promise<Uint8Array> {
  const {document, settings} = options
  const {pageSize} = settings
  const printReady = options.printReady ?? false
  const strings = stringsFor(document.metadata.lang)
  // The streams kept (streams-kept.ts) are read once the work prints, while Node waits: they are needed only to
  // finish it, and read sooner they held up the print page (30 ms of reading a 3 MB file, on the 50x work).
  let streamsFile: string | undefined
  let streamsRead: Promise<void> | undefined
  const readStreams = (): Promise<void> => (streamsRead ??= readKeptStreams(streamsFile!))
  const stage = (what: string) => {
    // A stale print stops at its next stage, when the browser job has not stopped it already.
    if (options.signal?.aborted) throw new CancelledError(`The PDF of ${document.slug} was stopped at ${what}: a newer build replaces it`)
    options.timeLimit?.progress()
    options.onStage?.(what)
    if (what === 'printing') void readStreams()
  }
  const pagesPrinted = (pages: PagesPrinted) => {
    options.timeLimit?.progress()
    options.onPages?.(pages)
  }
  stage('typesetting')
  const hyphenationFile = keptHyphenationFile(`${document.root}\n${document.slug}`)
  await readKeptHyphenation(hyphenationFile)
  const hyphenated: TextsHyphenated = new Map()
  const chapters = document.chapters.map((chapter) => {
    options.timeLimit?.check(`hyphenating ${chapter.source}`)
    const tree = printableTree(chapter.tree, document.metadata.lang, hyphenated)
    sliceWideTables(tree, {pageSize, strings, report: (table, reason) => warnOnce(chapter.file, reason, table)})
    return tree
  })
  const contents = contentsOf(document)
  const showToc = document.chapters.length > 1 || countContents(contents) > 6
  // On book sizes, parts and chapters open on a right-hand (odd) page.
  const openers = pageSize.book && document.chapters.length > 1 ? openingIds(document) : []
  // "Figure 2 on page 7": the pages of what cross-references name change the text itself, so they need whole prints.
  const targets = pageReferenceTargets(chapters)
  // The cover as the first page: the drawn one to the page's proportions (bleed included), drawn before the print begins.
  const extra = printReady ? 2 * bleed : 0
  const cover = document.layout.coverPage
    ? await coverImage(document, options.browser, {width: coverSize.width, height: Math.round((coverSize.width * (pageSize.height + extra)) / (pageSize.width + extra))})
    : undefined
  const browserIdentity = await options.browser.identity()
  const edition = `${document.root}\n${document.slug}\n${printReady ? 'pdf-print' : 'pdf'}`
  const plansFile = keptPlansFile(browserIdentity, edition)
  streamsFile = keptStreamsFile(browserIdentity, edition)
  await readKeptPlans(plansFile)
  const used = linesUsed()
  const frontPagesFile = keptFrontPagesFile(browserIdentity, edition)
  const work = {document, chapters, contents, showToc, openers, printReady, stage, browser: options.browser, browserIdentity, pageSize, signal: options.signal, onLoading: options.onLoading, used, frontPagesFile, ...(cover ? {cover} : {})}
  const {pdf, headings} =
    targets.length > 0
      ? await printInPasses(work, targets, strings.onPage)
      : ((await printParted(work, options.wordsPerPart ?? defaultWordsPerPart, pagesPrinted)) ?? (await printOnce(work)))
  writeKeptPlans(plansFile, used)
  writeKeptHyphenation(hyphenationFile, hyphenated)
  options.timeLimit?.check('finishing')
  stage('finishing')
  // No running head where a chapter or a part opens, nor on the contents' first page (after the title and copyright pages).
  const before = cover ? 1 : 0
  const opening = [
    ...(document.chapters.length > 1 ? openingIds(document).flatMap((id) => headings.pages.get(id) ?? []) : []),
    ...(showToc && opensWithTitlePage(document, 'pdf') ? [3 + before] : [])
  ]
  // After a cover, the title's page is not the document's `:first`: neither head nor folio there either.
  clearRunningHeads(pdf, opening, pageSize, printReady, cover ? [2] : [])
  await readStreams()
  const kept: TextLayerKept = {edited: new Map(), scans: new Map()}
  const bytes = await finishPdf(pdf, {
    document,
    contents,
    headings,
    printReady,
    kept,
    ...(settings.published ? {published: settings.published} : {})
  })
  writeKeptStreams(streamsFile, kept)
  return bytes
}

interface PrintWork {
  document: Document
  chapters: Root[]
  contents: ContentsEntry[]
  showToc: boolean
  openers: string[]
  printReady: boolean
  pageSize: EditionSettings['pageSize']
  browser: BrowserService
  /** The browser's path and file time (`BrowserService.identity`). */
  browserIdentity: string
  stage: (what: string) => void
  /** The cover, printed as the first page. */
  cover?: CoverImage
  signal: AbortSignal | undefined
  onLoading: (() => void) | undefined
  /** Where the front pages' print is kept for the next process (`keptFrontPagesFile`). */
  frontPagesFile: string
  /** The line plans of the paragraphs set, kept for the next process (line-plans-kept.ts). */
  used: LinesUsed
}

/**
 * The work printed once, on one loaded page: lines set (line-breaking.ts),
 * blank versos placed on that page and the work printed again when an
 * opener fell on a left-hand page (Chromium ignores `break-before: right`),
 * then the contents' numbers printed with the front pages only and spliced
 * in (contents-pages.ts).
 */
async function printOnce(work: PrintWork): Promise<Printed> {
  const {document, contents, openers, pageSize, printReady} = work
  let blanks = new Set<string>()
  const html = () => toHtml(printPage({document, chapters: work.chapters, pageSize, printReady, blanks, ...coverOf(work), ...(work.showToc ? {contents} : {})}))
  let current = html()
  const site = noting(printSite(() => current, document, work.cover))
  return work.browser.run({site: site.site, description: `printing the PDF of ${document.slug}`, signal: work.signal, ...loadingOf(work)}, async (page, progress) => {
    const stage = (what: string) => {
      progress(what)
      work.stage(what)
    }
    stage('setting the lines')
    const lineBreaks = await settleLineBreaks(page, printWidth(pageSize, printReady), {used: work.used, faces: () => site.served(['/index.html'])})
    const print = async () => {
      stage('printing')
      const bytes = await printPdf(page)
      progress('reading the print back')
      return bytes
    }
    const wide = wideContents(work)
    if (wide) await evaluateIsolated(page, widenNumberBoxes)
    // Blank versos go into the page as it is loaded again, its lines set as before: Chromium
    // keeps the named page of a blank inserted into a loaded page from showing (it prints a running head on it).
    const settle =
      openers.length > 0
        ? async (pages: Map<string, number>) => {
            const next = rectoBlanks(openers, pages, blanks)
            if (sameSet(next, blanks)) return false
            blanks = next
            current = html()
            stage('placing blank pages')
            await page.goto(`${origin}/index.html`, {waitUntil: 'load', timeout: 0})
            await applyLineBreaks(page, lineBreaks, printWidth(pageSize, printReady))
            if (wide) await evaluateIsolated(page, widenNumberBoxes)
            return true
          }
        : undefined
    if (!work.showToc) {
      let pdf = await PDFDocument.load(await print(), fastLoad)
      for (let pass = 1; settle && pass < maxPasses && (await settle(locateHeadings(pdf, contents).pages)); pass++) {
        pdf = await PDFDocument.load(await print(), fastLoad)
      }
      return {pdf, headings: locateHeadings(pdf, contents)}
    }
    const printed = await printWithContents({
      page,
      contents,
      print,
      maxPasses,
      digits: wide ? 5 : 3,
      ...(settle ? {settle} : {}),
      onFrontPages: () => stage('numbering the contents'),
      // The page itself is in the DOM the front pages' print is known by.
      frontPagesKey: () => `${work.browserIdentity}\n${site.served(['/index.html'])}`,
      frontPagesFile: work.frontPagesFile
    })
    return {pdf: printed.pdf, headings: printed.headings}
  })
}

/**
 * A long work printed in parts (print-in-parts.ts); undefined when it is
 * printed whole: not longer than a part, or its contents' numbers did not
 * fit the splice (then it is printed whole, as any work).
 */
async function printParted(work: PrintWork, wordsPerPart: number, onPages: (pages: PagesPrinted) => void): Promise<Printed | undefined> {
  const {document, contents, pageSize, printReady} = work
  if (document.chapters.length < 2 || wordsIn(work.chapters) <= wordsPerPart) return undefined
  const parts = splitPrintPage(printPage({document, chapters: work.chapters, pageSize, printReady, inParts: true, ...coverOf(work), ...(work.showToc ? {contents} : {})}), wordsPerPart)
  if (!parts) return undefined
  const printed = await printInParts({
    browser: work.browser,
    parts,
    site: (html) => printSite(html, document, work.cover),
    print: printPdf,
    width: printWidth(pageSize, printReady),
    contents,
    toc: work.showToc,
    digits: wideContents(work) ? 5 : 3,
    book: pageSize.book,
    openers: work.openers,
    description: `printing the PDF of ${document.slug}`,
    // The next part loads and sets its lines while one prints, when there is a core for each.
    concurrency: Math.min(2, availableParallelism()),
    used: work.used,
    // A renderer gives its memory back only when it ends: a fresh page for each part (see docs/decisions/0015-printing-in-parts.md).
    closeAfter: true,
    signal: work.signal,
    ...loadingOf(work),
    stage: work.stage,
    // The estimate is made from the text's parts (the front pages have no words of it).
    onPages: (done: PartPrinted) =>
      onPages({pages: done.pages, of: done.wordsSoFar > 0 ? Math.max(done.pages, Math.round((done.pages * done.wordsInAll) / done.wordsSoFar)) : done.pages, part: done.part, parts: done.parts})
  })
  return 'reason' in printed ? undefined : printed
}

/** A work of a thousand pages or more (about 450 words make a page of A4, 250 of a book size) gets wider number boxes. */
function wideContents(work: PrintWork): boolean {
  return work.showToc && wordsIn(work.chapters) / (work.pageSize.book ? 250 : 450) > 900
}

/**
 * Whole prints until the page numbers hold: the contents', the blank
 * versos', and those that page references print in the text, which can
 * move the text after them.
 */
async function printInPasses(work: PrintWork, targets: string[], onPage: string): Promise<Printed> {
  const {document, chapters, contents, openers, pageSize, printReady} = work
  let printed: Printed | undefined
  let blanks = new Set<string>()
  let targetPages: Map<string, number> | undefined
  // The breaks are settled on the first printing and again on each later one: a page reference's number changes the text.
  for (let pass = 1; pass <= maxPasses; pass++) {
    for (const chapter of chapters) fillPageReferences(chapter, targetPages, onPage)
    const html = toHtml(
      printPage({document, chapters, pageSize, printReady, blanks, ...coverOf(work), ...(work.showToc ? {contents} : {}), ...(printed ? {pageNumbers: printed.headings.pages} : {})})
    )
    const site = noting(printSite(() => html, document, work.cover))
    const bytes = await work.browser.run({site: site.site, description: `printing the PDF of ${document.slug}, pass ${pass}`, signal: work.signal, ...loadingOf(work)}, async (page, progress) => {
      progress('setting the lines')
      work.stage('setting the lines')
      await settleLineBreaks(page, printWidth(pageSize, printReady), {used: work.used, faces: () => site.served(['/index.html'])})
      progress('printing')
      work.stage('printing')
      return printPdf(page)
    })
    const pdf = await PDFDocument.load(bytes, fastLoad)
    const located = locateHeadings(pdf, contents)
    const nextBlanks = rectoBlanks(openers, located.pages, blanks)
    const nextTargetPages = pagesOfTargets(pdf, targets)
    const settled = printed !== undefined && samePages(printed.headings.pages, located.pages) && sameSet(blanks, nextBlanks) && samePages(targetPages!, nextTargetPages)
    printed = {pdf, headings: located}
    blanks = nextBlanks
    targetPages = nextTargetPages
    if (settled) break
  }
  return printed!
}

function wordsIn(trees: Root[]): number {
  let words = 0
  for (const tree of trees) visit(tree, 'text', (node) => void (words += node.value.split(/\s+/).filter(Boolean).length))
  return words
}

/** Chromium's print, with no time limit of its own: the browser's stall watch stops a print that does nothing. */
function printPdf(page: Page): Promise<Uint8Array> {
  return page.pdf({preferCSSPageSize: true, printBackground: true, outline: true, tagged: true, timeout: 0})
}

/** Ids of what opens on a new page: each part's title and each chapter (by its first element). */
function openingIds(document: Document): string[] {
  return document.chapters.flatMap((chapter, index) => {
    const part = partOpenedBy(document, index)
    return [...(part ? [part.id] : []), ...(chapter.anchor ? [chapter.anchor] : [])]
  })
}

/** A warning from the PDF edition, once, though the pdf and pdf-print editions both find it. */
function warnOnce(file: VFile, reason: string, node: Element): void {
  const place = node.position?.start
  if (file.messages.some((message) => message.reason === reason && message.line === place?.line && message.column === place?.column)) return
  warn(file, reason, node, 'table-width')
}

/**
 * A copy of a chapter for print: hyphenated, notes as in print, images served from the virtual origin.
 *
 * @param hyphenated Collects the texts hyphenated (hyphenation-kept.ts).
 */
export function printableTree(tree: Root, lang: string, hyphenated?: TextsHyphenated): Root {
  const copy = structuredClone(tree)
  breakRunawayWords(copy)
  hyphenateTree(copy, lang, hyphenated)
  printNotes(copy)
  visit(copy, 'element', (node) => {
    if (node.tagName === 'img' && typeof node.properties.src === 'string') {
      node.properties.src = assetsPath + encodeURIComponent(node.properties.src)
    }
  })
  return copy
}

function loadingOf(work: PrintWork): {onLoading?: () => void} {
  return work.onLoading ? {onLoading: work.onLoading} : {}
}

/** Where the print page finds the cover, when it has one. */
function coverOf(work: PrintWork): {cover?: string} {
  return work.cover ? {cover: `${coverPath}cover.${work.cover.mediaType === 'image/png' ? 'png' : 'jpg'}`} : {}
}

/** The print page, the work's images, the theme's logo, the cover and the fonts; nothing else. */
function printSite(html: () => string, document: Document, cover?: CoverImage): Site {
  const fonts = fontSite(document.theme)
  const logos = [document.theme.logo?.light, document.theme.logo?.dark].filter((image) => image !== undefined)
  return (pathname) => {
    if (pathname === '/index.html') return {contentType: 'text/html; charset=utf-8', body: html()}
    if (pathname.startsWith(assetsPath)) {
      const asset = document.assets.get(pathname.slice(assetsPath.length))
      if (!asset) return undefined
      return {contentType: asset.mediaType, body: asset.mediaType === 'image/svg+xml' ? svgInHouseFonts(asset.bytes, document.theme) : asset.bytes}
    }
    if (cover && pathname.startsWith(coverPath)) return {contentType: cover.mediaType, body: cover.bytes}
    if (pathname.startsWith(logoPath)) {
      const logo = logos.find((image) => image.path === pathname.slice(logoPath.length))
      return logo ? {contentType: logo.mediaType, body: logo.bytes} : undefined
    }
    return fonts(pathname)
  }
}

function samePages(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([id, page]) => b.get(id) === page)
}
