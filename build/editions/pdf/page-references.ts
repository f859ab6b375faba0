/**
 * Pages of the elements that cross-references ask for ("Figure 2 on page
 * 7"), read back from a printed PDF. Chromium gives every element that a
 * link points to a named destination under its id, and a cross-reference
 * links to what it names, so each target has one.
 */
import {PDFArray, PDFDict, PDFName, type PDFDocument} from 'pdf-lib'

/** Page number (1-based) of each id that has a named destination. */
export function pagesOfTargets(pdf: PDFDocument, ids: string[]): Map<string, number> {
  const pages = new Map<string, number>()
  if (ids.length === 0) return pages
  const named = pdf.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
  const pageIndex = new Map(pdf.getPages().map((page, index) => [page.ref.toString(), index]))
  for (const id of ids) {
    const destination = named?.lookupMaybe(PDFName.of(id), PDFArray)
    const page = destination ? pageIndex.get(String(destination.get(0))) : undefined
    if (page !== undefined) pages.set(id, page + 1)
  }
  return pages
}
