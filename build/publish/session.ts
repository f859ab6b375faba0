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
import {CancelledError, FolioError, UsageError} from '../errors.ts'
import {hasErrors} from '../messages.ts'
import {removeReportedEditions, wordCount, writeReport, type WrittenEdition} from '../output/build-report.ts'
import {buildEnded, writeEditions} from '../write-whole.ts'
import {ChapterCache} from '../pipeline/chapter-cache.ts'
import {loadWork} from '../pipeline/load-work.ts'
import {editionSettings} from '../pipeline/settings.ts'
import {findWorks, type WorkSource} from '../read/discover-works.ts'
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
  /** Keep each chapter's text in passages, so that an edit parses only its passage (watch mode). */
  incremental?: boolean
}

export type EditionOutcome = WrittenEdition

export interface WorkOutcome {
  work: WorkSource
  /** Nothing the work reads changed since the last publish: nothing was done. */
  unchanged?: boolean
  /** Every source file read, with its messages. */
  files: VFile[]
  /** False when errors kept the work's editions (or, with `asBuilt`, some of them) from being written. */
  built: boolean
  /** A newer save stopped it; `editions` are those written before. */
  superseded?: boolean
  editions: EditionOutcome[]
  document?: Document
  /** With the `check` option: what the checks found, edition by edition. */
  checks?: EditionCheck[]
}

export interface PublishOptions {
  /** Build even when the sources did not change since the last build (a template did). */
  force?: boolean
  /** Write each edition as soon as it is built, the HTML first, each whole (watch mode), instead of all or none. */
  asBuilt?: boolean
  /** Aborted when a newer save makes this build stale: its editions still building stop, and none more is written. */
  signal?: AbortSignal
  /** Told of each edition once it is on disk (the preview reloads on the HTML). */
  onWritten?: (edition: EditionOutcome, document: Document) => void | Promise<void>
}

interface BuiltEdition {
  edition: EditionFormat
  bytes: Uint8Array
  /** Files written beside the edition (the HTML page's Open Graph image). */
  companions: EditionFile[]
  milliseconds: number
}

/** A work read, its editions under way. */
interface Building {
  document: Document
  settings: EditionSettings
  files: VFile[]
  building: Array<Promise<BuiltEdition>>
  /** Record the sources' fingerprint as published. */
  remember: () => void
}

/** A work read and its editions built in memory, not yet written. */
export interface BuiltWork {
  work: WorkSource
  unchanged?: boolean
  files: VFile[]
  /** No errors: the editions may be written. */
  ok: boolean
  editions: BuiltEdition[]
  document?: Document
  /** The settings the editions were built with. */
  settings?: EditionSettings
}

export class PublishingSession {
  readonly options: SessionOptions
  readonly chosen: EditionFormat[]
  readonly browser: BrowserService
  readonly cache: ChapterCache
  /** The fingerprint of each work's sources when it was last published. */
  #published = new Map<string, string>()
  /** Whether the session started its browser, and so closes it. */
  #ownsBrowser: boolean

  /** @param browser A browser to share (another session's, or a test's): its owner closes it. */
  constructor(options: SessionOptions, browser?: BrowserService) {
    this.options = options
    this.cache = new ChapterCache({passages: options.incremental ?? false})
    this.chosen = chooseEditions(options.formats)
    this.browser = browser ?? new BrowserService()
    this.#ownsBrowser = browser === undefined
  }

  /** Start the browser, when an edition will need it, so that it starts while the first work is read; settles once its process is started. */
  async warmUp(): Promise<void> {
    if (this.chosen.some((edition) => edition.usesBrowser)) await this.browser.warmUp()
  }

  /** The works named (`findWorks`); when there are none to build, the browser started for them is closed, or the process would wait for it. */
  async findWorks(names: string[], cwd: string): Promise<WorkSource[]> {
    return findWorks(names, cwd).catch(async (error: unknown) => {
      await this.close()
      throw error
    })
  }

  /**
   * Read a work and build its editions in memory.
   *
   * @param force Build even when the sources did not change since the last build (a template did).
   */
  async build(work: WorkSource, force = true): Promise<BuiltWork> {
    try {
      return await this.#build(work, force)
    } finally {
      buildEnded()
    }
  }

  async #build(work: WorkSource, force: boolean): Promise<BuiltWork> {
    const started = await this.#start(work, force)
    if (!('building' in started)) return started
    const {document, settings, files, building, remember} = started
    const editions = await Promise.all(building)
    // Editions may report problems too (at the chapter's positions).
    if (this.options.strict) promoteWarnings(files)
    remember()
    return {work, files, ok: !hasErrors(files), editions, document, settings}
  }

  /**
   * Build a work and write its editions (and its report) when it has no
   * errors; with the `check` option, check them too.
   *
   * By default the editions are written all or none, once every one is
   * built. With `asBuilt` (watch mode) each is written as soon as it is
   * built, each still whole, the HTML first: the preview shows an edit in
   * about the time of the HTML while the PDF prints. A newer save aborts
   * `signal`: what is still building stops and nothing more is written.
   */
  async publish(work: WorkSource, options: PublishOptions = {}): Promise<WorkOutcome> {
    try {
      return await this.#publish(work, options)
    } finally {
      buildEnded()
    }
  }

  async #publish(work: WorkSource, options: PublishOptions): Promise<WorkOutcome> {
    const started = performance.now()
    const {force = true, signal} = options
    // Watch mode: the HTML is built and written before the other editions start, so that their work on
    // the one Node thread (hyphenating, laying out the print page) does not hold up the preview.
    let leadWritten: (() => void) | undefined
    const lead = options.asBuilt ? new Promise<void>((resolve) => (leadWritten = resolve)) : undefined
    const start = await this.#start(work, force, signal, lead)
    if (!('building' in start)) {
      if (start.unchanged) return {work, unchanged: true, files: start.files, built: true, editions: []}
      return {work, files: start.files, built: false, editions: []}
    }
    const {document, settings, files, building, remember} = start
    const targetOf = (edition: EditionFormat) => path.join(this.options.out, editionFileName(document, edition))
    const outcomeOf = (built: BuiltEdition, written: boolean): EditionOutcome => {
      const pages = built.edition.pages?.(built.bytes)
      const {edition, bytes, milliseconds} = built
      const beside = built.companions.map((file) => ({target: path.join(this.options.out, file.fileName), bytes: file.bytes.byteLength}))
      return {
        format: edition.format,
        target: targetOf(edition),
        bytes: bytes.byteLength,
        milliseconds,
        written,
        ...(pages === undefined ? {} : {pages}),
        ...(beside.length > 0 ? {companions: beside} : {})
      }
    }
    const filesOf = (built: BuiltEdition) => [
      {target: targetOf(built.edition), bytes: built.bytes, what: `the ${built.edition.format} edition of ${work.name}`},
      ...built.companions.map((file) => ({target: path.join(this.options.out, file.fileName), bytes: file.bytes, what: `${file.what} of the ${built.edition.format} edition of ${work.name}`}))
    ]
    let outcomes: EditionOutcome[]
    if (options.asBuilt) {
      const written = await this.#writeAsBuilt(document, files, building, filesOf, outcomeOf, options, leadWritten)
      // A stopped build is not remembered: the same sources saved again are built again.
      if (signal?.aborted) return {work, files, built: true, superseded: true, editions: written.filter((outcome) => outcome !== undefined), document}
      remember()
      if (written.some((outcome) => outcome === undefined)) return {work, files, built: false, editions: written.filter((outcome) => outcome !== undefined), document}
      outcomes = written as EditionOutcome[]
    } else {
      const built = await Promise.all(building)
      if (this.options.strict) promoteWarnings(files)
      remember()
      if (hasErrors(files)) return {work, files, built: false, editions: []}
      // All or none: no edition (nor a file beside one) is renamed into place until every one is written whole.
      const written = await writeEditions(built.flatMap(filesOf))
      outcomes = built.map((edition, index) => outcomeOf(edition, written[index]!))
      for (const outcome of outcomes) await options.onWritten?.(outcome, document)
    }
    const checks = this.options.check
      ? await checkEditions(document, settings, {out: this.options.out, editions: this.chosen, cwd: this.options.cwd, tools: this.options.validators !== false})
      : undefined
    const outcome: WorkOutcome = {work, files, built: true, editions: outcomes, document, ...(checks ? {checks} : {})}
    await writeReport({...outcome, document}, this.options.out, performance.now() - started, this.options.cwd)
    return outcome
  }

  /** Close the browser, when the session started it. */
  async close(options: {leave?: boolean} = {}): Promise<void> {
    if (this.#ownsBrowser) await this.browser.close(options)
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

  /**
   * Each edition written when it is built, the HTML before any other (so the
   * preview reloads first), as long as no edition has brought an error and
   * no newer save has come. An edition that is not written is `undefined`;
   * the first failure is thrown once the others are settled.
   */
  async #writeAsBuilt(
    document: Document,
    files: VFile[],
    building: Array<Promise<BuiltEdition>>,
    filesOf: (built: BuiltEdition) => Array<{target: string; bytes: Uint8Array; what: string}>,
    outcomeOf: (built: BuiltEdition, written: boolean) => EditionOutcome,
    options: PublishOptions,
    leadWritten?: () => void
  ): Promise<Array<EditionOutcome | undefined>> {
    const {signal} = options
    // The edition the preview shows as a page (the HTML) leads; the others wait for it.
    const lead = this.chosen.findIndex((edition) => edition.preview === 'page')
    let first: Promise<unknown> = Promise.resolve()
    const writes = building.map(async (pending, index) => {
      try {
        const built = await pending
        if (index !== lead) await first.catch(() => undefined)
        if (signal?.aborted) return undefined
        if (this.options.strict) promoteWarnings(files)
        // An edition that reported an error (under --strict, a warning) leaves the last good editions from here on.
        if (hasErrors(files)) return undefined
        // The edition and the files beside it, all or none; the preview is told once they are in place,
        // while the renames are flushed to the disk.
        let outcome: EditionOutcome | undefined
        await writeEditions(filesOf(built), {
          onPlaced: async ([written]) => {
            outcome = outcomeOf(built, written!)
            await options.onWritten?.(outcome, document)
          }
        })
        return outcome
      } finally {
        // Written, or failed: the other editions start building either way.
        if (index === lead) leadWritten?.()
      }
    })
    if (lead === -1) leadWritten?.()
    first = writes[lead] ?? first
    const settled = await Promise.allSettled(writes)
    const failure = settled.find((result) => result.status === 'rejected' && !(signal?.aborted && result.reason instanceof CancelledError))
    if (failure) throw (failure as PromiseRejectedResult).reason
    return settled.map((result) => (result.status === 'fulfilled' ? result.value : undefined))
  }

  /** Read a work and start building its editions, unless it is unchanged or has errors. */
  /** @param lead With it, the editions other than the one the preview shows as a page start building once it settles. */
  async #start(work: WorkSource, force: boolean, signal?: AbortSignal, lead?: Promise<void>): Promise<BuiltWork | Building> {
    const onProgress = this.options.onProgress
    const result = await loadWork(
      work,
      this.cache,
      new TimeLimit(`Reading ${work.name}`, this.options.stepSeconds, signal),
      onProgress ? (chapters, of) => onProgress({kind: 'read', chapters, of}) : undefined
    )
    const key = work.file ?? work.root
    if (!force && result.fingerprint !== undefined && this.#published.get(key) === result.fingerprint) {
      return {work, unchanged: true, files: result.files, ok: true, editions: []}
    }
    const remember = () => void (result.fingerprint !== undefined && this.#published.set(key, result.fingerprint))
    if (this.options.strict) promoteWarnings(result.files)
    if (!result.document || hasErrors(result.files)) {
      remember()
      return {work, files: result.files, ok: false, editions: []}
    }
    const document = result.document
    const settings = editionSettings(document, this.options)
    return {document, settings, files: result.files, remember, building: this.#buildEditions(document, settings, work.name, signal, lead)}
  }

  #buildEditions(document: Document, settings: EditionSettings, name: string, signal?: AbortSignal, lead?: Promise<void>): Array<Promise<BuiltEdition>> {
    // Link to the editions built now, and to those an earlier build left beside this one.
    const siblings = allEditions
      .map((edition) => ({edition, fileName: editionFileName(document, edition)}))
      .filter((sibling) => this.chosen.includes(sibling.edition) || existsSync(path.join(this.options.out, sibling.fileName)))
    // Built side by side: while Chromium loads and prints, Node builds the other editions. Those start once
    // the browser's page is loading (or the editions that use it have ended): until then the one Node thread
    // prepares that page, and answers the browser as it connects, instead of building what nothing waits for.
    let loading: (() => void) | undefined
    const printing = this.chosen.some((edition) => edition.usesBrowser) ? new Promise<void>((resolve) => (loading = resolve)) : undefined
    // In watch mode (a lead edition) they wait for the print itself instead, while Node has nothing to do: the page
    // loads and its lines are set with Node answering it, and the 50x work's EPUB (200 ms) made that 140 ms longer.
    let printed: (() => void) | undefined
    const printStarted = printing && lead ? new Promise<void>((resolve) => (printed = resolve)) : printing
    const building = this.chosen.map(async (edition) => {
      const leads = lead !== undefined && edition.preview === 'page'
      if (lead && !leads && this.chosen.some((other) => other.preview === 'page')) await lead
      if (printing && !leads && !edition.usesBrowser) await printStarted
      const started = performance.now()
      const timeLimit = new TimeLimit(`The ${edition.format} edition of ${name}`, this.options.stepSeconds, signal)
      const onProgress = this.options.onProgress
      const told = onProgress ? (stage: string) => onProgress({kind: 'stage', edition: edition.format, stage}) : undefined
      const onStage = edition.usesBrowser
        ? (stage: string) => {
            if (stage === 'printing') {
              printed?.()
              // The report's count of words (40 ms on the 50x work) is made while Node waits for the print, not after it.
              setImmediate(() => wordCount(document))
            }
            told?.(stage)
          }
        : told
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
          ...(onPages ? {onPages} : {}),
          ...(loading ? {onLoading: loading} : {}),
          ...(signal ? {signal} : {})
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
    // An edition that uses the browser and ends (or fails) without loading a page holds up no other.
    void Promise.allSettled(building.filter((_, index) => this.chosen[index]!.usesBrowser)).then(() => {
      loading?.()
      printed?.()
    })
    // A failure is the caller's to report, once; the others keep building meanwhile.
    for (const pending of building) pending.catch(() => undefined)
    return building
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
