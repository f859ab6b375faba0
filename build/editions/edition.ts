/**
 * An edition format, described once: what the session builds, the checks
 * read, the preview serves, the report and the reproducibility check
 * compare. Every edition module exports one entry function that takes the
 * Document, the build settings and one options object, and returns the
 * edition's bytes; its descriptor (editions/index.ts) says everything else.
 */
import type {BrowserService} from '../browser/browser-service.ts'
import type {CheckResult, EditionReading} from '../check/results.ts'
import type {Document} from '../document/document.ts'
import type {EditionSettings} from '../document/settings.ts'
import type {Strings} from '../strings.ts'
import type {TimeLimit} from '../time-limit.ts'

export interface EditionContext {
  document: Document
  settings: EditionSettings
  /** Other editions of the same work that exist (or are being built) beside this one. */
  siblings: Array<{edition: EditionFormat; fileName: string}>
  /** The run's one browser, started on first use. */
  browser: BrowserService
  /** How long the edition may go without getting further (checked as it goes). */
  timeLimit?: TimeLimit
  /** Told when the edition moves to a new stage ('printing', …), for progress on screen. */
  onStage?: (stage: string) => void
  /** Stops the edition when it is no longer wanted (watch mode: a newer save); its time limit checks it too. */
  signal?: AbortSignal
  /** Told as a paged edition prints its pages (a long work, in parts), for progress on screen. */
  onPages?: (pages: {pages: number; of?: number; part?: number; parts?: number}) => void
  /** Told when an edition that uses the browser has its first page loading in it. */
  onLoading?: () => void
}

export interface EditionFormat {
  /** Name used by `--format`. */
  format: string
  /** Ending of the edition's file name, after the work's slug (`.print.pdf`). */
  extension: string
  mediaType: string
  /** Built unless `--format` names others. */
  byDefault: boolean
  /** Always renders with the shared browser, which then starts while the manuscript is read. */
  usesBrowser: boolean
  /** How the preview serves it: as the page itself (with its reload script), in the browser's viewer, or as a download. */
  preview: 'page' | 'inline' | 'attachment'
  /** The HTML edition's download link to this edition, if it offers one (keys of the strings files). */
  download?: {text: keyof Strings; label: keyof Strings}
  build: (context: EditionContext) => Promise<Uint8Array>
  /** Files the edition needs beside it (the HTML page's Open Graph image), written with it. */
  companions?: (context: EditionContext) => Promise<EditionFile[]>
  /** Pages of the built bytes, for a paged edition (the build line and the report show them). */
  pages?: (bytes: Uint8Array) => number
  /** Folio's own checks of the bytes, and the text for text fidelity. */
  read: (bytes: Uint8Array, context: Pick<EditionContext, 'document' | 'settings'>) => Promise<EditionReading>
  /** Outside checkers of the edition's file, each skipped when not installed. */
  validators: Array<(file: string) => Promise<CheckResult>>
  /** Where two builds of this edition first differ, for `--reproducible-check`. */
  difference: (first: Uint8Array, second: Uint8Array) => Promise<string>
}

/** A file an edition writes beside itself. */
export interface EditionFile {
  /** In the output folder. */
  fileName: string
  bytes: Uint8Array
  /** What it is, for messages: `the Open Graph image`. */
  what: string
}

/** Output file name of an edition of a work. */
export function editionFileName(document: Pick<Document, 'slug'>, edition: Pick<EditionFormat, 'extension'>): string {
  return `${document.slug}${edition.extension}`
}
