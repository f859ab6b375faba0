/**
 * The PDF edition: the print page rendered by the shared Chromium, then
 * finished with pdf-lib. With a table of contents, the page is printed again
 * with the page numbers read back from the previous PDF, until they hold.
 * `pdf-print` is the print-ready variant: 3 mm bleed, TrimBox and BleedBox,
 * links in the text colour.
 */
import type {Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import {PDFDocument} from 'pdf-lib'
import {visit} from 'unist-util-visit'
import type {BrowserService} from '../../browser/browser-service.ts'
import type {Site} from '../../browser/virtual-origin.ts'
import type {Document} from '../../document/document.ts'
import {contentsOf, countContents, partOpenedBy} from '../../document/contents.ts'
import type {EditionSettings} from '../../document/settings.ts'
import {fontSite} from '../fonts.ts'
import {finishPdf, locateHeadings, type Headings} from './finish.ts'
import {stringsFor} from '../../strings.ts'
import {fillPageReferences, pageReferenceTargets} from '../../transform/cross-references.ts'
import {hyphenateTree} from './hyphenation.ts'
import {pagesOfTargets} from './page-references.ts'
import {logoPath, printPage} from './print-page.ts'

export interface PdfEditionOptions {
  document: Document
  settings: EditionSettings
  browser: BrowserService
  /** The print-ready variant. */
  printReady?: boolean
}

/** Table-of-contents passes before giving up on page numbers settling. */
const maxPasses = 4
const assetsPath = '/assets/'

export async function buildPdfEdition(options: PdfEditionOptions): Promise<Uint8Array> {
  const {document, settings} = options
  const {pageSize} = settings
  const printReady = options.printReady ?? false
  const chapters = document.chapters.map((chapter) => printableTree(chapter.tree, document.metadata.lang))
  const contents = contentsOf(document)
  const showToc = document.chapters.length > 1 || countContents(contents) > 6
  // On book sizes, parts and chapters open on a right-hand (odd) page.
  const openers = pageSize.book && document.chapters.length > 1 ? openingIds(document) : []

  let pdf: PDFDocument | undefined
  let headings: Headings | undefined
  let blanks = new Set<string>()
  // "Figure 2 on page 7": the pages of what cross-references name, settled by the same passes.
  const targets = pageReferenceTargets(chapters)
  const onPage = stringsFor(document.metadata.lang).onPage
  let targetPages: Map<string, number> | undefined
  for (let pass = 1; pass <= maxPasses; pass++) {
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
    const bytes = await print(options.browser, toHtml(page), document)
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

/** A copy of a chapter for print: hyphenated, images served from the virtual origin. */
export function printableTree(tree: Root, lang: string): Root {
  const copy = structuredClone(tree)
  hyphenateTree(copy, lang)
  visit(copy, 'element', (node) => {
    if (node.tagName === 'img' && typeof node.properties.src === 'string') {
      node.properties.src = assetsPath + encodeURIComponent(node.properties.src)
    }
  })
  return copy
}

async function print(browser: BrowserService, html: string, document: Document): Promise<Uint8Array> {
  return browser.run({site: printSite(html, document), description: `printing the PDF of ${document.slug}`}, (page) =>
    page.pdf({preferCSSPageSize: true, printBackground: true, outline: true, tagged: true, timeout: browser.jobTimeout * 1000})
  )
}

/** The print page, the work's images, the theme's logo and the fonts; nothing else. */
function printSite(html: string, document: Document): Site {
  const fonts = fontSite(document.theme)
  const logos = [document.theme.logo?.light, document.theme.logo?.dark].filter((image) => image !== undefined)
  return (pathname) => {
    if (pathname === '/index.html') return {contentType: 'text/html; charset=utf-8', body: html}
    if (pathname.startsWith(assetsPath)) {
      const asset = document.assets.get(pathname.slice(assetsPath.length))
      return asset ? {contentType: asset.mediaType, body: asset.bytes} : undefined
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
