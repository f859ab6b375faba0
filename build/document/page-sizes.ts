/**
 * The page sizes of the PDF edition, with their margins. Book sizes have
 * mirrored margins (a wider inside margin for the binding) and their folio
 * on the outside corner.
 */
export interface PageSize {
  name: string
  /** Trim size in millimetres. */
  width: number
  height: number
  /** Margins in millimetres; `inner` is at the binding on book sizes. */
  margin: {top: number; bottom: number; inner: number; outer: number}
  /** Body text size in points. */
  fontSize: number
  book: boolean
}

const inch = 25.4

export const pageSizes: Record<string, PageSize> = {
  // About 80 characters a line: wide for a book, usual for a brief.
  a4: {name: 'a4', width: 210, height: 297, margin: {top: 24, bottom: 25, inner: 29, outer: 29}, fontSize: 11, book: false},
  letter: {name: 'letter', width: 8.5 * inch, height: 11 * inch, margin: {top: 24, bottom: 25, inner: 31, outer: 31}, fontSize: 11, book: false},
  '6x9in': {name: '6x9in', width: 6 * inch, height: 9 * inch, margin: {top: 18, bottom: 20, inner: 21, outer: 15}, fontSize: 10, book: true},
  '5.5x8.5in': {name: '5.5x8.5in', width: 5.5 * inch, height: 8.5 * inch, margin: {top: 16, bottom: 19, inner: 19, outer: 13}, fontSize: 9.5, book: true}
}

export const defaultPageSize = 'a4'

/** Bleed of the print-ready variant, in millimetres (3 mm, the usual for print shops). */
export const bleed = 3
