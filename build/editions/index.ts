/**
 * Every edition Folio can build, in the order they are built. Each is one
 * module with one entry function and one options object; it is loaded when
 * a build asks for it, so an HTML-only build does not load the PDF's
 * libraries. A new edition is one module, and one entry here.
 */
import type {Edition, EditionContext} from './edition.ts'

const date = (context: EditionContext) => ({
  ...(context.sourceDateEpoch === undefined ? {} : {sourceDateEpoch: context.sourceDateEpoch}),
  ...(context.timeLimit ? {timeLimit: context.timeLimit} : {})
})

const pdf = (printReady: boolean) => async (context: EditionContext) =>
  (await import('./pdf/index.ts')).buildPdfEdition({
    document: context.document,
    browser: context.browser,
    printReady,
    ...(context.pageSize ? {pageSize: context.pageSize} : {}),
    ...date(context)
  })

/** Built unless `--format` says otherwise. */
export const editions: Edition[] = [
  {
    format: 'html',
    usesBrowser: false,
    build: async (context) => new TextEncoder().encode((await import('./html.ts')).buildHtmlEdition(context))
  },
  {format: 'pdf', usesBrowser: true, build: pdf(false)},
  {
    format: 'epub',
    // Only to draw a cover, which is usually drawn already (epub/cover.ts).
    usesBrowser: false,
    build: async (context) =>
      (await import('./epub/index.ts')).buildEpubEdition({document: context.document, browser: context.browser, ...date(context)})
  }
]

/** Built only when asked for by name. */
export const optionalEditions: Edition[] = [{format: 'pdf-print', usesBrowser: true, build: pdf(true)}]

export const formats = [...editions, ...optionalEditions].map((edition) => edition.format)
