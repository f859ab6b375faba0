/**
 * A publishing session: what one `folio build` or `folio watch` shares
 * across works and rebuilds: the options, the one browser, and the cache of
 * chapters already read. `publish` takes one work from its sources to its
 * editions on disk.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import type {VFile} from 'vfile'
import {BrowserService} from '../browser/browser-service.ts'
import {ChapterCache} from '../document/chapter-cache.ts'
import type {Document} from '../document/document.ts'
import {loadWork} from '../document/load-work.ts'
import {editionFileName, extensions, type Edition} from '../editions/edition.ts'
import {editions, optionalEditions} from '../editions/index.ts'
import {FolioError, UsageError} from '../errors.ts'
import type {WorkSource} from '../read/discover-works.ts'
import {hasErrors} from '../read/messages.ts'
import {checkEditions, type EditionCheck} from '../check/check-editions.ts'
import {writeReport} from '../output/build-report.ts'
import {writeEditions} from '../output/write-edition.ts'
import {TimeLimit} from '../time-limit.ts'

export interface SessionOptions {
  /** Output folder, absolute. */
  out: string
  /** Formats to build; undefined means the default editions. */
  formats?: string[]
  /** Treat warnings as errors. */
  strict: boolean
  /** From SOURCE_DATE_EPOCH. */
  sourceDateEpoch?: number
  /** Page size for the PDF editions, overriding the manuscripts'. */
  pageSize?: string
  /** Check the editions after writing them. */
  check?: boolean
  /** Seconds each step may take (reading the work, each edition); FOLIO_TIMEOUT else. */
  stepSeconds?: number
}

export interface EditionOutcome {
  format: string
  /** Absolute path of the edition. */
  target: string
  bytes: number
  milliseconds: number
  /** False when the file already held these bytes. */
  written: boolean
  /** Pages, for a PDF. */
  pages?: number
}

export interface WorkOutcome {
  work: WorkSource
  /** Nothing the work reads changed since the last publish: nothing was done. */
  unchanged?: boolean
  /** Every source file read, with its messages. */
  files: VFile[]
  /** False when errors kept the work's editions from being written. */
  built: boolean
  editions: EditionOutcome[]
  document?: Document
  /** With the `check` option: what the checks found, edition by edition. */
  checks?: EditionCheck[]
}

/** A work read and its editions built in memory, not yet written. */
export interface BuiltWork {
  work: WorkSource
  unchanged?: boolean
  files: VFile[]
  /** No errors: the editions may be written. */
  ok: boolean
  editions: Array<{format: string; bytes: Uint8Array; milliseconds: number}>
  document?: Document
}

export class PublishingSession {
  readonly options: SessionOptions
  readonly chosen: Edition[]
  readonly browser: BrowserService
  readonly cache = new ChapterCache()
  /** The fingerprint of each work's sources when it was last published. */
  #published = new Map<string, string>()

  /** @param browser Share another session's browser (it then closes it). */
  constructor(options: SessionOptions, browser = new BrowserService()) {
    this.options = options
    this.chosen = chooseEditions(options.formats)
    this.browser = browser
  }

  /** Start the browser while the first work is read, when an edition will need it. */
  warmUp(): void {
    if (this.chosen.some((edition) => edition.usesBrowser)) this.browser.warmUp()
  }

  /**
   * Read a work and build its editions in memory.
   *
   * @param force Build even when the sources did not change since the last build (a template did).
   */
  async build(work: WorkSource, force = true): Promise<BuiltWork> {
    const result = await loadWork(work, this.cache, new TimeLimit(`Reading ${work.name}`, this.options.stepSeconds))
    const key = work.file ?? work.root
    if (!force && result.fingerprint !== undefined && this.#published.get(key) === result.fingerprint) {
      return {work, unchanged: true, files: result.files, ok: true, editions: []}
    }
    const remember = () => result.fingerprint !== undefined && this.#published.set(key, result.fingerprint)
    if (this.options.strict) promoteWarnings(result.files)
    if (!result.document || hasErrors(result.files)) {
      remember()
      return {work, files: result.files, ok: false, editions: []}
    }
    const document = result.document
    const editions = await this.#buildEditions(document, work.name)
    // Editions may report problems too (at the chapter's positions).
    if (this.options.strict) promoteWarnings(result.files)
    remember()
    return {work, files: result.files, ok: !hasErrors(result.files), editions, document}
  }

  /**
   * Build a work and write its editions (and its report) when it has no
   * errors; with the `check` option, check them too.
   */
  async publish(work: WorkSource, force = true): Promise<WorkOutcome> {
    const started = performance.now()
    const built = await this.build(work, force)
    if (built.unchanged) return {work, unchanged: true, files: built.files, built: true, editions: []}
    if (!built.ok || !built.document) return {work, files: built.files, built: false, editions: []}
    const document = built.document
    const targets = built.editions.map((edition) => path.join(this.options.out, editionFileName(document, edition.format)))
    // All or none: no edition is renamed into place until every one is written whole.
    const written = await writeEditions(
      built.editions.map((edition, index) => ({target: targets[index]!, bytes: edition.bytes, what: `the ${edition.format} edition of ${work.name}`}))
    )
    const outcomes: EditionOutcome[] = built.editions.map((edition, index) => ({
      format: edition.format,
      target: targets[index]!,
      bytes: edition.bytes.byteLength,
      milliseconds: edition.milliseconds,
      written: written[index]!,
      ...(edition.format.startsWith('pdf') ? {pages: pageCount(edition.bytes)} : {})
    }))
    const checks = this.options.check
      ? await checkEditions(document, {out: this.options.out, formats: outcomes.map((edition) => edition.format), ...(this.options.pageSize ? {pageSize: this.options.pageSize} : {})})
      : undefined
    const outcome: WorkOutcome = {work, files: built.files, built: true, editions: outcomes, document, ...(checks ? {checks} : {})}
    await writeReport(outcome, this.options.out, performance.now() - started)
    return outcome
  }

  async close(): Promise<void> {
    await this.browser.close()
  }

  async #buildEditions(document: Document, name: string) {
    // Link to the editions built now, and to those an earlier build left beside this one.
    const siblings = Object.keys(extensions)
      .map((format) => ({format, fileName: editionFileName(document, format)}))
      .filter(
        (sibling) =>
          this.chosen.some((edition) => edition.format === sibling.format) ||
          existsSync(path.join(this.options.out, sibling.fileName))
      )
    // Built side by side: while Chromium prints, Node builds the other editions.
    return Promise.all(
      this.chosen.map(async (edition) => {
        const started = performance.now()
        const timeLimit = new TimeLimit(`The ${edition.format} edition of ${name}`, this.options.stepSeconds)
        try {
          const bytes = await edition.build({
            timeLimit,
            document,
            browser: this.browser,
            siblings: siblings.filter((sibling) => sibling.format !== edition.format),
            ...(this.options.pageSize ? {pageSize: this.options.pageSize} : {}),
            ...(this.options.sourceDateEpoch === undefined ? {} : {sourceDateEpoch: this.options.sourceDateEpoch})
          })
          timeLimit.check('its end')
          return {format: edition.format, bytes, milliseconds: performance.now() - started}
        } catch (error) {
          if (error instanceof FolioError) throw error
          throw new FolioError(`The ${edition.format} edition of ${name} failed: ${(error as Error).message}`, {cause: error})
        }
      })
    )
  }
}

function chooseEditions(formats: string[] | undefined): Edition[] {
  if (!formats) return editions
  const all = [...editions, ...optionalEditions]
  const unknown = formats.filter((format) => !all.some((edition) => edition.format === format))
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown format ${unknown.map((format) => `\`${format}\``).join(', ')}: choose from ${all.map((edition) => edition.format).join(', ')}`
    )
  }
  return all.filter((edition) => formats.includes(edition.format))
}

function promoteWarnings(files: VFile[]): void {
  for (const file of files) for (const message of file.messages) message.fatal = true
}

/** Pages of a PDF as Chromium writes it (no object streams): its page objects. */
function pageCount(bytes: Uint8Array): number {
  return (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length
}
