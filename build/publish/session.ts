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
import type {EditionCheck} from '../check/results.ts'
import type {Document} from '../document/document.ts'
import type {EditionSettings} from '../document/settings.ts'
import {editionFileName, type EditionFile, type EditionFormat} from '../editions/edition.ts'
import {defaultEditions, editions as allEditions, formats} from '../editions/index.ts'
import {FolioError, UsageError} from '../errors.ts'
import {hasErrors} from '../messages.ts'
import {removeReportedEditions, writeReport, type WrittenEdition} from '../output/build-report.ts'
import {writeEditions} from '../write-whole.ts'
import {ChapterCache} from '../pipeline/chapter-cache.ts'
import {loadWork} from '../pipeline/load-work.ts'
import {editionSettings} from '../pipeline/settings.ts'
import type {WorkSource} from '../read/discover-works.ts'
import {TimeLimit} from '../time-limit.ts'
import {checkEditions} from './check-editions.ts'
import type {ProgressEvent} from '../output/progress.ts'

export interface SessionOptions {
  /** Output folder, absolute. */
  out: string
  /** Folder the messages' and the report's file names are relative to. */
  cwd: string
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
  /** With `check`: run the outside checkers too (EPUBCheck, the Nu checker, Ace); default yes. */
  validators?: boolean
  /** Seconds each step may go without getting further (reading the work, each edition); FOLIO_TIMEOUT else. */
  stepSeconds?: number
  /** Told what the build is doing while it does it (output/progress.ts). */
  onProgress?: (event: ProgressEvent) => void
}

export type EditionOutcome = WrittenEdition

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
  editions: Array<{edition: EditionFormat; bytes: Uint8Array; companions: EditionFile[]; milliseconds: number}>
  document?: Document
  /** The settings the editions were built with. */
  settings?: EditionSettings
}

export class PublishingSession {
  readonly options: SessionOptions
  readonly chosen: EditionFormat[]
  readonly browser: BrowserService
  readonly cache = new ChapterCache()
  /** The fingerprint of each work's sources when it was last published. */
  #published = new Map<string, string>()
  /** Whether the session started its browser, and so closes it. */
  #ownsBrowser: boolean

  /** @param browser A browser to share (another session's, or a test's): its owner closes it. */
  constructor(options: SessionOptions, browser?: BrowserService) {
    this.options = options
    this.chosen = chooseEditions(options.formats)
    this.browser = browser ?? new BrowserService()
    this.#ownsBrowser = browser === undefined
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
    const onProgress = this.options.onProgress
    const result = await loadWork(
      work,
      this.cache,
      new TimeLimit(`Reading ${work.name}`, this.options.stepSeconds),
      onProgress ? (chapters, of) => onProgress({kind: 'read', chapters, of}) : undefined
    )
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
    const settings = editionSettings(document, this.options)
    const editions = await this.#buildEditions(document, settings, work.name)
    // Editions may report problems too (at the chapter's positions).
    if (this.options.strict) promoteWarnings(result.files)
    remember()
    return {work, files: result.files, ok: !hasErrors(result.files), editions, document, settings}
  }

  /**
   * Build a work and write its editions (and its report) when it has no
   * errors; with the `check` option, check them too.
   */
  async publish(work: WorkSource, force = true): Promise<WorkOutcome> {
    const started = performance.now()
    const built = await this.build(work, force)
    if (built.unchanged) return {work, unchanged: true, files: built.files, built: true, editions: []}
    if (!built.ok || !built.document || !built.settings) return {work, files: built.files, built: false, editions: []}
    const {document, settings} = built
    const targets = built.editions.map(({edition}) => path.join(this.options.out, editionFileName(document, edition)))
    const companions = built.editions.flatMap(({edition, companions}) =>
      companions.map((file) => ({target: path.join(this.options.out, file.fileName), bytes: file.bytes, what: `${file.what} of the ${edition.format} edition of ${work.name}`}))
    )
    // All or none: no edition (nor a file beside one) is renamed into place until every one is written whole.
    const written = await writeEditions([
      ...built.editions.map(({edition, bytes}, index) => ({target: targets[index]!, bytes, what: `the ${edition.format} edition of ${work.name}`})),
      ...companions
    ])
    const outcomes: EditionOutcome[] = built.editions.map(({edition, bytes, milliseconds, companions: files}, index) => {
      const pages = edition.pages?.(bytes)
      const beside = files.map((file) => ({target: path.join(this.options.out, file.fileName), bytes: file.bytes.byteLength}))
      return {
        format: edition.format,
        target: targets[index]!,
        bytes: bytes.byteLength,
        milliseconds,
        written: written[index]!,
        ...(pages === undefined ? {} : {pages}),
        ...(beside.length > 0 ? {companions: beside} : {})
      }
    })
    const checks = this.options.check
      ? await checkEditions(document, settings, {out: this.options.out, editions: built.editions.map(({edition}) => edition), cwd: this.options.cwd, tools: this.options.validators !== false})
      : undefined
    const outcome: WorkOutcome = {work, files: built.files, built: true, editions: outcomes, document, ...(checks ? {checks} : {})}
    await writeReport({...outcome, document}, this.options.out, performance.now() - started, this.options.cwd)
    return outcome
  }

  /**
   * A work that no longer exists (its file or folder was deleted): remove the
   * editions and the report its last build wrote, and nothing else, and
   * forget it, so that a work of that name created again is built in full.
   *
   * @returns The files removed.
   */
  async withdraw(work: WorkSource): Promise<string[]> {
    this.#published.delete(work.file ?? work.root)
    return removeReportedEditions(this.options.out, work.slug)
  }

  /** Close the browser, when the session started it. */
  async close(): Promise<void> {
    if (this.#ownsBrowser) await this.browser.close()
  }

  async #buildEditions(document: Document, settings: EditionSettings, name: string) {
    // Link to the editions built now, and to those an earlier build left beside this one.
    const siblings = allEditions
      .map((edition) => ({edition, fileName: editionFileName(document, edition)}))
      .filter((sibling) => this.chosen.includes(sibling.edition) || existsSync(path.join(this.options.out, sibling.fileName)))
    // Built side by side: while Chromium prints, Node builds the other editions.
    return Promise.all(
      this.chosen.map(async (edition) => {
        const started = performance.now()
        const timeLimit = new TimeLimit(`The ${edition.format} edition of ${name}`, this.options.stepSeconds)
        const onProgress = this.options.onProgress
        const onStage = onProgress ? (stage: string) => onProgress({kind: 'stage', edition: edition.format, stage}) : undefined
        const onPages = onProgress ? (pages: {pages: number; of?: number; part?: number; parts?: number}) => onProgress({kind: 'pages', edition: edition.format, ...pages}) : undefined
        onStage?.('building')
        try {
          const context = {
            document,
            settings,
            browser: this.browser,
            timeLimit,
            siblings: siblings.filter((sibling) => sibling.edition !== edition),
            ...(onStage ? {onStage} : {}),
            ...(onPages ? {onPages} : {})
          }
          const bytes = await edition.build(context)
          const companions = (await edition.companions?.(context)) ?? []
          timeLimit.check('its end')
          onStage?.('built')
          return {edition, bytes, companions, milliseconds: performance.now() - started}
        } catch (error) {
          if (error instanceof FolioError) throw error
          throw new FolioError(`The ${edition.format} edition of ${name} failed: ${(error as Error).message}`, {cause: error})
        }
      })
    )
  }
}

/** The editions `--format` names (every one it names must exist), else the default ones. */
export function chooseEditions(names: string[] | undefined): EditionFormat[] {
  if (!names) return defaultEditions
  const unknown = names.filter((name) => !formats.includes(name))
  if (unknown.length > 0) {
    throw new UsageError(`Unknown format ${unknown.map((name) => `\`${name}\``).join(', ')}: choose from ${formats.join(', ')}`)
  }
  return allEditions.filter((edition) => names.includes(edition.format))
}

function promoteWarnings(files: VFile[]): void {
  for (const file of files) for (const message of file.messages) message.fatal = true
}
