/**
 * No running head on a page that opens a chapter or a part, as in every
 * book. CSS would say `@page chapter-1:first`, but Chromium has no page
 * groups (`:first` is only the document's first page, `:nth()` nothing), so
 * the head is taken out of those pages after printing: Chromium draws the
 * page-margin boxes as text outside any marked content (they are not part
 * of the tagged text); what of it stands in the top margin goes.
 */
import {PDFArray, PDFName, PDFRawStream, PDFRef, type PDFDocument} from 'pdf-lib'
import {bleed, type PageSize} from '../../document/page-sizes.ts'
import {applyEdits, readOperations, replaceStream, streamSource} from './content-stream.ts'

type Matrix = [number, number, number, number, number, number]

const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5]
]

/**
 * Take the running head off the given pages (1-based), and off the `bare`
 * ones the folio too.
 */
export function clearRunningHeads(pdf: PDFDocument, pages: number[], pageSize: PageSize, printReady: boolean, bare: number[] = []): void {
  const top = ((pageSize.margin.top + (printReady ? bleed : 0)) / 25.4) * 72
  const bottom = ((pageSize.margin.bottom + (printReady ? bleed : 0)) / 25.4) * 72
  for (const number of new Set([...pages, ...bare])) {
    const folio = bare.includes(number)
    const page = pdf.getPages()[number - 1]
    if (!page) continue
    const contents = page.node.get(PDFName.of('Contents'))
    const height = page.getMediaBox().height
    for (const ref of contents instanceof PDFArray ? contents.asArray() : [contents]) {
      if (!(ref instanceof PDFRef)) continue
      const stream = pdf.context.lookup(ref)
      if (!(stream instanceof PDFRawStream)) continue
      const source = streamSource(stream)
      const operations = readOperations(source)
      if (!operations) continue
      const edits: Array<{start: number; end: number; text: string}> = []
      const stack: Matrix[] = []
      let matrix: Matrix = [1, 0, 0, 1, 0, 0]
      let marked = 0
      let text: {start: number; y?: number} | undefined
      for (const operation of operations) {
        const numbers = operation.operands.map(Number)
        switch (operation.operator) {
          case 'q':
            stack.push(matrix)
            break
          case 'Q':
            matrix = stack.pop() ?? [1, 0, 0, 1, 0, 0]
            break
          case 'cm':
            matrix = multiply(numbers as Matrix, matrix)
            break
          case 'BDC':
          case 'BMC':
            marked++
            break
          case 'EMC':
            marked--
            break
          case 'BT':
            if (marked === 0) text = {start: operation.start}
            break
          case 'Tm':
            if (text && text.y === undefined) text.y = multiply(numbers as Matrix, matrix)[5]
            break
          case 'ET':
            // Set in the top margin: the running head; in the bottom margin: the folio.
            if (text && text.y !== undefined && (text.y > height - top || (folio && text.y < bottom))) edits.push({start: text.start, end: operation.end, text: ''})
            text = undefined
            break
        }
      }
      if (edits.length > 0) replaceStream(pdf, ref, stream, applyEdits(source, edits))
    }
  }
}
