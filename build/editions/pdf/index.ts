/**
 * The PDF edition: the print page rendered by the shared Chromium, then
 * finished with pdf-lib. With a table of contents, the page is printed again
 * with the page numbers read back from the previous PDF, until they hold.
 * `pdf-print` is the print-ready variant: 3 mm bleed, TrimBox and BleedBox,
 * links in the text colour.
 */
import type {Element, Root} from 'hast'
import type {VFile} from 'vfile'
import {warn} from '../../messages.ts'
import {toHtml} from 'hast-util-to-html'
import {PDFDocument} from 'pdf-lib'
import type {Page} from 'puppeteer'
import {visit} from 'unist-util-visit'
import type {BrowserService} from '../../browser/browser-service.ts'
import type {Site} from '../../browser/virtual-origin.ts'
import type {Document} from '../../document/document.ts'
import {contentsOf, countContents, partOpenedBy} from '../../document/contents.ts'
import type {EditionSettings} from '../../document/settings.ts'
import {stringsFor} from '../../strings.ts'
import type {TimeLimit} from '../../time-limit.ts'
import {fillPageReferences, pageReferenceTargets} from '../../transform/cross-references.ts'
import {fontSite} from '../fonts.ts'
import {opensWithTitlePage} from '../imprint.ts'
import {finishPdf, locateHeadings, type Headings} from './finish.ts'
import {breakRunawayWords, hyphenateTree} from './hyphenation.ts'
import {applyLineBreaks, printWidth, settleLineBreaks, type LineBreakSettings} from './line-breaking.ts'
import {clearRunningHeads} from './opening-pages.ts'
import {pagesOfTargets} from './page-references.ts'
import {logoPath, printPage} from './print-page.ts'
import {printNotes} from './print-notes.ts'
import {svgInHouseFonts} from './svg-fonts.ts'
import {sliceWideTables} from './wide-tables.ts'

export interface PdfEditionOptions {
  document: Document
  settings: EditionSettings
  browser: BrowserService
  /** The print-ready variant. */
  printReady?: boolean
  /** How long the edition may take to build (checked as it goes). */
  timeLimit?: TimeLimit
}

/** Table-of-contents passes before giving up on page numbers settling. */
const maxPasses = 4
const assetsPath = '/assets/'

export async function buildPdfEdition(options: PdfEditionOptions): Promise<Uint8Array> {
  const {document, settings} = options
  const {pageSize} = settings
  const printReady = options.printReady ?? false
  const strings = stringsFor(document.metadata.lang)
  const chapters = document.chapters.map((chapter) => {
    options.timeLimit?.check(`hyphenating ${chapter.source}`)
    const tree = printableTree(chapter.tree, document.metadata.lang)
    sliceWideTables(tree, {pageSize, strings, report: (table, reason) => warnOnce(chapter.file, reason, table)})
    return tree
  })
  const contents = contentsOf(document)
  const showToc = document.chapters.length > 1 || countContents(contents) > 6
  // On book sizes, parts and chapters open on a right-hand (odd) page.
  const openers = pageSize.book && document.chapters.length > 1 ? openingIds(document) : []

  let pdf: PDFDocument | undefined
  let headings: Headings | undefined
  let blanks = new Set<string>()
  // "Figure 2 on page 7": the pages of what cross-references name, settled by the same passes.
  const targets = pageReferenceTargets(chapters)
  const onPage = strings.onPage
  let targetPages: Map<string, number> | undefined
  // The breaks are settled on the first printing; the later ones print the same text,
  // unless a page reference's number changed it: then they are settled again.
  let lineBreaks: LineBreakSettings | undefined
  const settle = async (page: Page) => {
    if (lineBreaks && targets.length === 0) await applyLineBreaks(page, lineBreaks)
    else lineBreaks = await settleLineBreaks(page, printWidth(pageSize, printReady))
  }
  for (let pass = 1; pass <= maxPasses; pass++) {
    options.timeLimit?.check(`printing, pass ${pass}`)
    for (const chapter of chapters) fillPageReferences(chapter, targetPages, onPage)
    const page = printPage({
      document,
      chapters,
      pageSize,
      printReady,
      blanks,
      ...(showToc ? {contents} : {}),
      ...(headings ? {pageNumbers: headings.pages} : {})
    })
    const bytes = await print(options.browser, toHtml(page), document, settle)
    pdf = await PDFDocument.load(bytes, {updateMetadata: false})
    const located = locateHeadings(pdf, contents)
    const nextBlanks = rectoBlanks(openers, located.pages, blanks)
    const nextTargetPages = pagesOfTargets(pdf, targets)
    const settled =
      headings !== undefined && samePages(headings.pages, located.pages) && sameSet(blanks, nextBlanks) && (targets.length === 0 || samePages(targetPages!, nextTargetPages))
    headings = located
    blanks = nextBlanks
    targetPages = nextTargetPages
    if ((!showToc && openers.length === 0 && targets.length === 0) || settled) break
  }
  // No running head where a chapter or a part opens, nor on the contents' first page (after the title and copyright pages).
  const opening = [
    ...(document.chapters.length > 1 ? openingIds(document).flatMap((id) => headings!.pages.get(id) ?? []) : []),
    ...(showToc && opensWithTitlePage(document, 'pdf') ? [3] : [])
  ]
  clearRunningHeads(pdf!, opening, pageSize, printReady)
  return finishPdf(pdf!, {
    document,
    contents,
    headings: headings!,
    printReady,
    ...(settings.published ? {published: settings.published} : {})
  })
}

/** Ids of what opens on a new page: each part's title and each chapter (by its first element). */
function openingIds(document: Document): string[] {
  return document.chapters.flatMap((chapter, index) => {
    const part = partOpenedBy(document, index)
    return [...(part ? [part.id] : []), ...(chapter.anchor ? [chapter.anchor] : [])]
  })
}

/**
 * The blank pages that make every opener start on an odd page, from where
 * they fell in the last printing. A blank page before an opener moves it and
 * everything after it by one page, so they are decided in order.
 */
function rectoBlanks(openers: string[], pages: Map<string, number>, blanks: Set<string>): Set<string> {
  const next = new Set<string>()
  let shift = 0
  for (const id of openers) {
    const page = pages.get(id)
    if (page === undefined) continue
    const had = blanks.has(id)
    const without = page - (had ? 1 : 0) + shift
    if (without % 2 === 0) next.add(id)
    shift += (without % 2 === 0 ? 1 : 0) - (had ? 1 : 0)
  }
  return next
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item))
}

/** A warning from the PDF edition, once, though the pdf and pdf-print editions both find it. */
function warnOnce(file: VFile, reason: string, node: Element): void {
  const place = node.position?.start
  if (file.messages.some((message) => message.reason === reason && message.line === place?.line && message.column === place?.column)) return
  warn(file, reason, node, 'table-width')
}

/** A copy of a chapter for print: hyphenated, notes as in print, images served from the virtual origin. */
export function printableTree(tree: Root, lang: string): Root {
  const copy = structuredClone(tree)
  breakRunawayWords(copy)
  hyphenateTree(copy, lang)
  printNotes(copy)
  visit(copy, 'element', (node) => {
    if (node.tagName === 'img' && typeof node.properties.src === 'string') {
      node.properties.src = assetsPath + encodeURIComponent(node.properties.src)
    }
  })
  return copy
}

async function print(browser: BrowserService, html: string, document: Document, prepare: (page: Page) => Promise<void>): Promise<Uint8Array> {
  return browser.run({site: printSite(html, document), description: `printing the PDF of ${document.slug}`}, async (page) => {
    await prepare(page)
    return page.pdf({preferCSSPageSize: true, printBackground: true, outline: true, tagged: true, timeout: browser.jobTimeout * 1000})
  })
}

/** The print page, the work's images, the theme's logo and the fonts; nothing else. */
function printSite(html: string, document: Document): Site {
  const fonts = fontSite(document.theme)
  const logos = [document.theme.logo?.light, document.theme.logo?.dark].filter((image) => image !== undefined)
  return (pathname) => {
    if (pathname === '/index.html') return {contentType: 'text/html; charset=utf-8', body: html}
    if (pathname.startsWith(assetsPath)) {
      const asset = document.assets.get(pathname.slice(assetsPath.length))
      if (!asset) return undefined
      return {contentType: asset.mediaType, body: asset.mediaType === 'image/svg+xml' ? svgInHouseFonts(asset.bytes, document.theme) : asset.bytes}
    }
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
