/**
 * Folio's own checks of a PDF, read with pdf-lib and pdfjs-dist (no outside
 * tools): tagged on every page, /Lang, a title shown as the window title, an
 * outline when the work has headings, every font embedded and none of Type 3,
 * the page size asked for. Also gives the running text, without the running
 * heads and folios in the margins, for text fidelity.
 */
import {decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFPageLeaf, PDFRawStream, PDFRef, PDFString} from 'pdf-lib'
import type {Document} from '../document/document.ts'
import {bleed, type PageSize} from '../document/page-sizes.ts'
import {verdict, type EditionReading} from './results.ts'
import {readPdf} from './pdf-text.ts'

const points = (millimetres: number) => (millimetres / 25.4) * 72

export interface PdfCheckOptions {
  /** The edition's format, for the results. */
  edition: string
  document: Document
  /** The page size it was built with. */
  pageSize: PageSize
  /** The print-ready variant: the trim box is the page, with bleed around it. */
  printReady: boolean
}

export async function checkPdf(bytes: Uint8Array, {edition, document, pageSize, printReady}: PdfCheckOptions): Promise<EditionReading> {
  const problems: string[] = []
  let pdf: PDFDocument
  try {
    pdf = await PDFDocument.load(bytes, {updateMetadata: false})
  } catch (error) {
    return {result: verdict(edition, 'own checks', [`not a readable PDF: ${(error as Error).message}`], ''), text: '', pages: 0, losesShapedScripts: true}
  }
  const catalog = pdf.catalog
  const marked = catalog.lookupMaybe(PDFName.of('MarkInfo'), PDFDict)?.get(PDFName.of('Marked'))
  if (String(marked) !== 'true' || !catalog.get(PDFName.of('StructTreeRoot'))) problems.push('not tagged (no /MarkInfo /Marked true and structure tree)')
  for (const [index, page] of pdf.getPages().entries()) {
    if (page.node.get(PDFName.of('StructParents')) === undefined && drawsContent(pdf, page.node)) problems.push(`page ${index + 1} is not tagged`)
  }
  const lang = catalog.lookupMaybe(PDFName.of('Lang'), PDFString, PDFHexString)?.decodeText()
  if (!lang) problems.push('no /Lang')
  else if (lang !== document.metadata.lang) problems.push(`/Lang is ${lang}, the work's language is ${document.metadata.lang}`)
  if (!pdf.getTitle()) problems.push('no title')
  const preferences = catalog.lookupMaybe(PDFName.of('ViewerPreferences'), PDFDict)
  if (String(preferences?.get(PDFName.of('DisplayDocTitle'))) !== 'true') problems.push('the title is not shown as the window title (DisplayDocTitle)')
  if (document.toc.length > 0 && !catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)?.get(PDFName.of('First'))) problems.push('no outline')

  const fonts = new Set<string>()
  for (const [index, page] of pdf.getPages().entries()) {
    const resources = page.node.Resources()
    const fontDict = resources?.lookupMaybe(PDFName.of('Font'), PDFDict)
    for (const [, ref] of fontDict?.entries() ?? []) {
      const font = pdf.context.lookup(ref, PDFDict)
      const name = String(font.get(PDFName.of('BaseFont')) ?? '(unnamed)').replace(/^\//, '')
      const subtype = String(font.get(PDFName.of('Subtype')))
      if (subtype === '/Type3') problems.push(`page ${index + 1} uses a Type 3 font (${name})`)
      else if (!embedded(pdf, font)) problems.push(`the font ${name} is not embedded`)
      fonts.add(name)
    }
  }

  const first = pdf.getPages()[0]
  if (first) {
    const box = printReady ? first.getTrimBox() : first.getMediaBox()
    const [width, height] = [points(pageSize.width), points(pageSize.height)]
    if (Math.abs(box.width - width) > 1.5 || Math.abs(box.height - height) > 1.5) {
      problems.push(`the page is ${box.width.toFixed(0)} × ${box.height.toFixed(0)} pt, not ${pageSize.name} (${width.toFixed(0)} × ${height.toFixed(0)} pt)`)
    }
    if (printReady) {
      const media = first.getMediaBox()
      if (Math.abs(media.width - width - 2 * points(bleed)) > 1.5) problems.push('no 3 mm bleed around the trim')
    }
  }
  const pages = pdf.getPageCount()
  const summary = `tagged, /Lang ${lang ?? '?'}, title, outline, ${fonts.size} fonts embedded and none Type 3, ${pages} page${pages === 1 ? '' : 's'} ${pageSize.name}`
  const {readings, missing} = await readPdf(bytes, pageSize, printReady)
  return {
    result: verdict(edition, 'own checks', [...new Set(problems)], summary),
    text: readings[0]!.text,
    readings,
    unreadBy: missing,
    pages,
    losesShapedScripts: true
  }
}

function embedded(pdf: PDFDocument, font: PDFDict): boolean {
  const descendants = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray)
  const target = descendants ? pdf.context.lookup(descendants.get(0), PDFDict) : font
  const descriptor = target.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict)
  return ['FontFile', 'FontFile2', 'FontFile3'].some((key) => descriptor?.get(PDFName.of(key)) instanceof PDFRef)
}

/**
 * Whether a page shows text, an image or a form: a blank page (a verso left
 * empty so that a chapter opens on a recto) has nothing to tag.
 */
function drawsContent(pdf: PDFDocument, page: PDFPageLeaf): boolean {
  const contents = page.Contents()
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents]
  return streams.some((stream) => {
    if (!(stream instanceof PDFRawStream)) return stream !== undefined
    const operators = Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1')
    return /(^|\s)(BT|Do|BI|sh)(\s|$)/.test(operators)
  })
}
