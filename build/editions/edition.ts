/**
 * What every edition module exports: one entry function that takes the
 * Document and one options object, and returns the edition's bytes.
 */
import type {BrowserService} from '../browser/browser-service.ts'
import type {Document} from '../document/document.ts'
import type {TimeLimit} from '../time-limit.ts'

export interface EditionContext {
  document: Document
  /** Other editions of the same work that exist (or are being built) beside this one. */
  siblings: Array<{format: string; fileName: string}>
  /** Seconds since 1970 from SOURCE_DATE_EPOCH: the only clock an edition may read. */
  sourceDateEpoch?: number
  /** The run's one browser, started on first use. */
  browser: BrowserService
  /** Page size from the command line (overrides the manuscript's). */
  pageSize?: string
  /** How long the edition may take to build (checked as it goes). */
  timeLimit?: TimeLimit
}

export interface Edition {
  /** Name used by `--format`; its file extension is in `extensions`. */
  format: string
  /** Always renders with the shared browser, which then starts while the manuscript is read. */
  usesBrowser: boolean
  build: (context: EditionContext) => Promise<Uint8Array>
}

/**
 * The file extension of every kind of edition, including those a later
 * version builds: an HTML edition links to a PDF or EPUB it finds beside it.
 */
export const extensions: Record<string, string> = {html: '.html', pdf: '.pdf', 'pdf-print': '.print.pdf', epub: '.epub'}

/** Output file name of an edition of a work. */
export function editionFileName(document: Document, format: string): string {
  return `${document.slug}${extensions[format] ?? `.${format}`}`
}
