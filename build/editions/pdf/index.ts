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
import {defaultPageSize, pageSizes} from '../../document/page-sizes.ts'
import {fontResource} from '../shipped-fonts.ts'
import {finishPdf, locateHeadings, type Headings} from './finish.ts'
import {hyphenateTree} from './hyphenation.ts'
import {printPage} from './print-page.ts'

export interface PdfEditionOptions {
  document: Document
  browser: BrowserService
  /** A key of `pageSizes`; else the manuscript's, else A4. */
  pageSize?: string
  /** The print-ready variant. */
  printReady?: boolean
  sourceDateEpoch?: number
}

/** Table-of-contents passes before giving up on page numbers settling. */
const maxPasses = 4
const assetsPath = '/assets/'

export async function buildPdfEdition(options: PdfEditionOptions): Promise<Uint8Array> {
  const {document} = options
  const pageSize = pageSizes[options.pageSize ?? document.layout.pageSize ?? defaultPageSize]!
  const printReady = options.printReady ?? false
  const chapters = document.chapters.map((chapter) => printableTree(chapter.tree, document.metadata.lang))
  const showToc = document.chapters.length > 1 || document.headingCount > 6

  let pdf: PDFDocument | undefined
  let headings: Headings | undefined
  for (let pass = 1; pass <= maxPasses; pass++) {
    const page = printPage({document, chapters, pageSize, printReady, showToc, ...(headings ? {pageNumbers: headings.pages} : {})})
    const bytes = await print(options.browser, toHtml(page), document)
    pdf = await PDFDocument.load(bytes, {updateMetadata: false})
    const located = locateHeadings(pdf, document.toc)
    const settled = headings !== undefined && samePages(headings.pages, located.pages)
    headings = located
    if (!showToc || settled) break
  }
  return finishPdf(pdf!, {document, headings: headings!, printReady, ...(options.sourceDateEpoch === undefined ? {} : {sourceDateEpoch: options.sourceDateEpoch})})
}

/** A copy of a chapter for print: hyphenated, images served from the virtual origin. */
function printableTree(tree: Root, lang: string): Root {
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

/** The print page, the work's images and the shipped fonts; nothing else. */
function printSite(html: string, document: Document): Site {
  return (pathname) => {
    if (pathname === '/index.html') return {contentType: 'text/html; charset=utf-8', body: html}
    if (pathname.startsWith(assetsPath)) {
      const asset = document.assets.get(pathname.slice(assetsPath.length))
      return asset ? {contentType: asset.mediaType, body: asset.bytes} : undefined
    }
    return fontResource(pathname)
  }
}

function samePages(a: Map<string, number>, b: Map<string, number>): boolean {
  return a.size === b.size && [...a].every(([id, page]) => b.get(id) === page)
}
