/**
 * Every edition format Folio knows, in the order they are built. An
 * edition's libraries (and its checks') are loaded only when it is built or
 * checked, so an HTML-only build does not load the PDF's. A new edition is
 * one module and one entry here.
 */
import type {EditionFormat} from './edition.ts'

const differences = () => import('../check/differences.ts')
const tools = () => import('../check/tools.ts')

/** The PDF and its print-ready variant differ only in these. */
const pdf = (printReady: boolean): EditionFormat => ({
  format: printReady ? 'pdf-print' : 'pdf',
  extension: printReady ? '.print.pdf' : '.pdf',
  mediaType: 'application/pdf',
  byDefault: !printReady,
  usesBrowser: true,
  preview: 'inline',
  ...(printReady ? {} : {download: {text: 'downloadPdf', label: 'downloadPdfLabel'}}),
  build: async ({document, settings, browser, timeLimit, onStage, onPages, onLoading, signal}) =>
    (await import('./pdf/index.ts')).buildPdfEdition({
      document,
      settings,
      browser,
      printReady,
      ...(timeLimit ? {timeLimit} : {}),
      ...(onStage ? {onStage} : {}),
      ...(onPages ? {onPages} : {}),
      ...(onLoading ? {onLoading} : {}),
      ...(signal ? {signal} : {})
    }),
  pages: pdfPageCount,
  read: async (bytes, {document, settings}) =>
    (await import('../check/pdf-check.ts')).checkPdf(bytes, {edition: printReady ? 'pdf-print' : 'pdf', document, pageSize: settings.pageSize, printReady}),
  validators: [],
  difference: async (first, second) => (await differences()).byteDifference(first, second)
})

export const editions: EditionFormat[] = [
  {
    format: 'html',
    extension: '.html',
    mediaType: 'text/html',
    byDefault: true,
    usesBrowser: false,
    preview: 'page',
    build: async (context) => new TextEncoder().encode(await (await import('./html.ts')).buildHtmlEdition(context)),
    companions: async (context) => (await import('./html.ts')).htmlCompanions(context),
    read: async (bytes) => (await import('../check/html-check.ts')).readHtml(bytes),
    validators: [async (file) => (await tools()).runNu(file)],
    difference: async (first, second) => (await differences()).textDifference(first, second)
  },
  pdf(false),
  {
    format: 'epub',
    extension: '.epub',
    mediaType: 'application/epub+zip',
    byDefault: true,
    // Only to draw a cover, which is usually drawn already (epub/cover.ts).
    usesBrowser: false,
    preview: 'attachment',
    download: {text: 'downloadEpub', label: 'downloadEpubLabel'},
    build: async ({document, settings, browser, timeLimit}) =>
      (await import('./epub/index.ts')).buildEpubEdition({document, settings, browser, ...(timeLimit ? {timeLimit} : {})}),
    read: async (bytes) => (await import('../check/epub-check.ts')).checkEpub(bytes),
    validators: [async (file) => (await tools()).runEpubcheck(file), async (file) => (await tools()).runAce(file)],
    difference: async (first, second) => (await differences()).zipDifference(first, second)
  },
  pdf(true)
]

export const formats = editions.map((edition) => edition.format)

/** The editions built when `--format` names none. */
export const defaultEditions = editions.filter((edition) => edition.byDefault)

/** The edition a file name belongs to (the longest extension that ends it), with its work's slug. */
export function editionOfFile(name: string): {edition: EditionFormat; slug: string} | undefined {
  const edition = [...editions].sort((a, b) => b.extension.length - a.extension.length).find((candidate) => name.endsWith(candidate.extension))
  return edition ? {edition, slug: name.slice(0, name.length - edition.extension.length)} : undefined
}

/** Pages of a PDF as Chromium writes it (no object streams): its page objects. */
function pdfPageCount(bytes: Uint8Array): number {
  return (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length
}
