/**
 * `folio watch`: build every edition, then rebuild on each save of a
 * manuscript file, a template or book.yaml, with the browser already running
 * and the chapters that did not change taken from the cache. Bursts of saves
 * are coalesced. A broken save prints its messages and keeps the last good
 * editions; the next good save recovers. A preview server shows the editions
 * and reloads them. A work whose file or folder is deleted leaves the preview,
 * and the editions its last build wrote leave the output folder. Each edition is written as soon as it is built, the HTML
 * first, so the preview reloads in about the time of the HTML while the PDF
 * prints; a newer save stops a rebuild that is still printing (its PDF is
 * never written) and builds again.
 */
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import chokidar from 'chokidar'
import type {VFileMessage} from 'vfile-message'
import {findWorks, isMarkdown, type WorkSource} from '../read/discover-works.ts'
import {wordCount} from '../output/build-report.ts'
import {defaultPort, PreviewServer, type PreviewWork} from '../output/preview-server.ts'
import {formatMessages, tally} from '../output/report.ts'
import {isInside} from '../read/work-folder.ts'
import {sourceFile} from '../read/source-file.ts'
import {ChapterCache} from '../pipeline/chapter-cache.ts'
import {templatesFolder} from '../templates-folder.ts'
import {PublishingSession, type EditionOutcome, type WorkOutcome} from '../publish/session.ts'
import {CancelledError} from '../errors.ts'
import type {Document} from '../document/document.ts'
import {ProgressReporter, type ProgressEvent} from '../output/progress.ts'
import type {BuildOptions} from './build-command.ts'
import type {Console} from './console.ts'

export interface WatchOptions extends BuildOptions {
  /** Preview server port; 0 picks a free one. */
  port: number
  /** Start the preview server. */
  serve: boolean
  /** Milliseconds of quiet that end a burst of saves. */
  settle?: number
}

export {defaultPort}

/** Runs until `signal` aborts (Ctrl-C); returns the exit code. */
export async function runWatch(options: WatchOptions, console: Console, signal: AbortSignal): Promise<number> {
  const out = path.resolve(options.cwd, options.out)
  // Progress lines as `folio build` draws them, one reporter per rebuild (none under --quiet).
  let reporter: ProgressReporter | undefined
  const session = new PublishingSession(
    {...options, out, incremental: true, ...(options.progress ? {onProgress: (event: ProgressEvent) => reporter?.event(event)} : {})},
    options.browser
  )
  // Chromium's process starts first; it gets ready while the works are found and read.
  await session.warmUp()
  let works = await session.findWorks(options.works, options.cwd)
  const server = options.serve ? new PreviewServer() : undefined
  // The live lines make way for each line that stays.
  const say = (line: string) => {
    reporter?.close()
    console.out(line)
  }
  const complain = (line: string) => {
    reporter?.close()
    console.err(line)
  }

  const previewWorks = new Map<string, PreviewWork>()
  /** An edition is on disk: the preview knows it, and open pages reload when it is the HTML. */
  const shown = (work: WorkSource, edition: EditionOutcome, document: Document): void => {
    if (!server) return
    const {failedAt: _failed, ...previous} = previewWorks.get(work.slug) ?? {editions: [], errors: 0, warnings: 0}
    const {format, target, bytes, pages} = edition
    const written = {format, file: target, bytes, ...(pages === undefined ? {} : {pages})}
    const editions = previous.editions.some((other) => other.format === format)
      ? previous.editions.map((other) => (other.format === format ? written : other))
      : [...previous.editions, written]
    const entry: PreviewWork = {
      ...previous,
      slug: work.slug,
      title: document.metadata.title,
      name: work.name,
      editions,
      problems: [],
      builtAt: new Date()
    }
    previewWorks.set(work.slug, entry)
    server.update(entry, format)
    // Counted once the event is on its way (a long work's count takes tens of milliseconds, and Node sends
    // what a response writes on the next tick), before any page asks again.
    setImmediate(() => {
      const latest = previewWorks.get(work.slug)
      if (!latest) return
      const counted = {...latest, words: wordCount(document)}
      previewWorks.set(work.slug, counted)
      server.record(counted)
    })
  }

  const report = (outcome: WorkOutcome, verb: string, started: number): void => {
    const printed = new Set<VFileMessage>()
    const messages = formatMessages(outcome.files, printed, options.cwd, console.color)
    for (const line of messages) complain(line)
    const name = works.length > 1 ? `${outcome.work.name}: ` : ''
    const parts = outcome.editions.map((edition) => `${edition.format} ${Math.round(edition.milliseconds)} ms`)
    if (outcome.superseded) {
      say(`${name}stopped for a newer save${parts.length > 0 ? ` (written: ${parts.join(', ')})` : ''}`)
      return
    }
    if (!outcome.built) {
      const kept = parts.length > 0 ? `${parts.join(', ')}; the others' last good editions are kept` : 'the last good editions are kept'
      complain(`${name}not ${verb}: ${kept}`)
    } else {
      say(`${name}${verb} ${parts.join(', ')} (${Math.round(performance.now() - started)} ms in all)`)
    }
    if (server) {
      const {slug, name: workName} = outcome.work
      // Holds the editions written so far by this build (see `shown`) and those of the last good one.
      const previous = previewWorks.get(slug)
      const {errors, warnings} = tally(outcome.files)
      const title = outcome.document?.metadata.title ?? previous?.title ?? workName
      const entry: PreviewWork = outcome.built
        ? {...(previous ?? {editions: []}), slug, title, name: workName, problems: [], errors, warnings, builtAt: previous?.builtAt ?? new Date()}
        : {
            // The last good editions stay, with when they were built.
            ...(previous ?? {editions: []}),
            slug,
            title,
            name: workName,
            problems: messages.map((line) => line.replace(/\u001B\[[\d;]*m/g, '')),
            errors,
            warnings,
            failedAt: new Date()
          }
      previewWorks.set(slug, entry)
      // Pages reloaded with the HTML already; a failure shows its messages, and a work without an HTML edition reloads the index now.
      if (!outcome.built || !outcome.editions.some((edition) => edition.format === 'html')) server.update(entry)
      else server.record(entry)
    }
  }

  /** A work whose file or folder is gone: out of the preview, and its editions out of the output folder. */
  const withdraw = async (work: WorkSource): Promise<void> => {
    // Another work now writes under this name (a file moved to another folder): its editions are its own.
    if (works.some((other) => other.slug === work.slug)) return
    previewWorks.delete(work.slug)
    server?.remove(work.slug)
    try {
      const removed = await session.withdraw(work)
      const names = removed.map((file) => path.basename(file))
      say(`${work.name} no longer exists: ${names.length > 0 ? `removed ${names.join(', ')} from ${path.relative(options.cwd, out) || '.'}/` : 'it had no editions to remove'}`)
    } catch (error) {
      complain(`folio: the editions of ${work.name} could not be removed: ${(error as Error).message}`)
    }
  }

  /** The works whose rebuild a newer save stopped: the next rebuild takes them up. */
  const unfinished = new Map<string, WorkSource>()
  let unfinishedForced = false
  /** Stops the rebuild under way when a newer save comes. */
  let current: AbortController | undefined

  const publish = async (targets: WorkSource[], verb: string, force: boolean): Promise<void> => {
    const controller = new AbortController()
    current = controller
    for (const [index, work] of targets.entries()) {
      if (controller.signal.aborted) {
        for (const left of targets.slice(index)) unfinished.set(keyOf(left), left)
        unfinishedForced ||= force
        break
      }
      const started = performance.now()
      reporter = options.progress ? new ProgressReporter(options.progress) : undefined
      try {
        const outcome = await session.publish(work, {force, asBuilt: true, signal: controller.signal, onWritten: (edition, document) => shown(work, edition, document)})
        reporter?.clear()
        if (outcome.superseded) {
          unfinished.set(keyOf(work), work)
          unfinishedForced ||= force
        }
        // A save that changed nothing (an editor's autosave, a touch) rebuilds nothing.
        if (!outcome.unchanged) report(outcome, verb, started)
      } catch (error) {
        reporter?.clear()
        if (signal.aborted) return
        if (controller.signal.aborted && error instanceof CancelledError) {
          unfinished.set(keyOf(work), work)
          unfinishedForced ||= force
          continue
        }
        complain(`${work.name}: ${(error as Error).message}`)
      }
    }
    reporter = undefined
  }

  try {
    await publish(works, 'built', true)
    say(`Editions in ${path.relative(options.cwd, out) || '.'}/`)
    if (server) {
      try {
        const address = await server.listen(options.port)
        say(`Preview at ${address} (loopback only; Ctrl-C to stop)`)
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${options.port} is in use (choose another with --port)` : (error as Error).message
        complain(`folio: the preview server could not start: ${reason}`)
        return 2
      }
    }

    const watched = [...new Set([...works.map((work) => work.root), templatesFolder])]
    const watcher = chokidar.watch(watched, {
      ignoreInitial: true,
      ignored: (file) => isInside(out, file) || hidden(file, watched),
      // A link may lead out of the work (`all -> /`) or round in a loop (`up -> ..`): none is followed.
      followSymlinks: false,
      awaitWriteFinish: false
    })
    // A folder that cannot be read (EACCES) or a link loop (ELOOP) is reported, and watching goes on.
    watcher.on('error', (error) => {
      const {code, path: where} = error as NodeJS.ErrnoException
      const what = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ELOOP' ? 'its links go round in a loop' : (error as Error).message
      complain(`folio: ${where ? `${path.relative(options.cwd, where) || where} is not watched` : 'watching'}: ${what}`)
    })
    const changed = new Set<string>()
    /** Chapters saved since saves last settled: read again then, in case a build read one half-written. */
    const saved = new Set<string>()
    let timer: NodeJS.Timeout | undefined
    let running: Promise<void> = Promise.resolve()
    /** Rebuilds queued or under way. */
    let pending = 0
    let leading: NodeJS.Immediate | undefined
    let rediscover = false
    const queue = (): void => {
      pending++
      running = running
        .then(rebuild)
        .catch((error: Error) => complain(`folio: ${error.message}`))
        .finally(() => void pending--)
    }

    const rebuild = async (): Promise<void> => {
      const files = [...changed]
      changed.clear()
      if (rediscover) {
        rediscover = false
        let found: WorkSource[]
        try {
          found = await findWorks(options.works, options.cwd)
        } catch (error) {
          complain(`folio: ${(error as Error).message}`)
          // The work named was deleted, or no work is left: those still on disk are watched on.
          found = works.filter((work) => existsSync(work.file ?? work.root))
        }
        const source = (work: WorkSource) => work.file ?? work.root
        const gone = works.filter((work) => !found.some((other) => source(other) === source(work)))
        works = found
        for (const work of gone) await withdraw(work)
      }
      const affected = new Map(affectedWorks(works, files, session).map((work) => [keyOf(work), work]))
      // Works a newer save stopped are built now, as the works found now describe them.
      for (const key of unfinished.keys()) {
        const work = works.find((candidate) => keyOf(candidate) === key)
        if (work) affected.set(key, work)
      }
      const force = unfinishedForced || files.some((file) => isInside(templatesFolder, file))
      unfinished.clear()
      unfinishedForced = false
      await publish([...affected.values()], 'rebuilt', force)
    }
    /**
     * Saves have settled. A chapter saved since then that now holds other text than the last build
     * read is built again: a save is built as soon as it is reported (below), and an editor that
     * writes a file in several pieces may be reported once, before the last piece.
     */
    const settled = async (): Promise<void> => {
      const recheck = [...saved]
      saved.clear()
      for (const file of recheck) if (!(await readAsBuilt(file, session))) changed.add(file)
      // Chapters whose text the last build read as it is now: nothing to do for them.
      for (const file of changed) if (isMarkdown(file) && !rediscover && (await readAsBuilt(file, session))) changed.delete(file)
      if (changed.size === 0 && !rediscover) return
      // A newer save of what a work is made of: the rebuild under way is stale; its print stops and
      // nothing more of it is written. Any other file (a log written beside the work) waits its turn,
      // and rebuilds nothing when it changed nothing the work reads.
      if ([...changed].some((file) => isMarkdown(file) || path.basename(file) === 'book.yaml' || isInside(templatesFolder, file))) current?.abort()
      queue()
    }
    watcher.on('all', (event, file) => {
      const absolute = path.resolve(file)
      changed.add(absolute)
      if (event === 'add' || event === 'unlink' || event === 'addDir' || event === 'unlinkDir') rediscover = true
      if (event === 'change' && isMarkdown(absolute)) saved.add(absolute)
      // A chapter saved while nothing builds is built at once (after the other events of this moment),
      // not after the saves settle: the preview shows it sooner; `settled` reads it again.
      if (pending === 0 && leading === undefined && !rediscover && [...changed].every((other) => isMarkdown(other))) {
        leading = setImmediate(() => {
          leading = undefined
          if (pending === 0 && changed.size > 0) queue()
        })
      }
      clearTimeout(timer)
      timer = setTimeout(() => void settled().catch((error: Error) => complain(`folio: ${error.message}`)), options.settle ?? 120)
    })
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
    say(`Watching ${watched.map((folder) => path.relative(options.cwd, folder) || '.').join(', ')}`)

    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve()
      signal.addEventListener('abort', () => resolve(), {once: true})
    })
    clearTimeout(timer)
    if (leading) clearImmediate(leading)
    current?.abort()
    await watcher.close()
    await running.catch(() => undefined)
    return 0
  } finally {
    reporter?.clear()
    await server?.close()
    await session.close()
  }
}

/** True when a chapter holds the text the last build read from it (false when none read it, or it cannot be read). */
async function readAsBuilt(file: string, session: PublishingSession): Promise<boolean> {
  const last = session.cache.lastRead(file)
  if (last === undefined) return false
  const bytes = await readFile(file).catch(() => undefined)
  return bytes !== undefined && ChapterCache.hash(String(sourceFile(file, bytes).value)) === last
}

function keyOf(work: WorkSource): string {
  return work.file ?? work.root
}

/**
 * Files watch mode leaves alone: below a hidden folder or file (`.git`,
 * an editor's `.brief.md.swp`) or node_modules, counted from the watched
 * folder that holds them, so that a work anywhere on disk is watched.
 */
function hidden(file: string, watched: string[]): boolean {
  const root = watched.find((folder) => isInside(folder, file))
  const relative = root === undefined ? path.basename(file) : path.relative(root, file)
  return /(^|[/\\])(\.|node_modules$)/.test(relative)
}

/**
 * The works a set of changed files touches: a chapter or book.yaml touches its
 * work; a template touches every work; any other file in a work's folder (an
 * image) touches the works of that folder, whose cached chapters are then
 * read again.
 */
function affectedWorks(works: WorkSource[], files: string[], session: PublishingSession): WorkSource[] {
  const affected = new Set<WorkSource>()
  for (const file of files) {
    if (isInside(templatesFolder, file)) return works
    for (const work of works) {
      if (!isInside(work.root, file)) continue
      if (work.file) {
        // Another work's Markdown file in the same folder is not this work's business.
        if (file === work.file || !isMarkdown(file)) affected.add(work)
      } else {
        affected.add(work)
      }
      if (!isMarkdown(file) && path.basename(file) !== 'book.yaml') session.cache.forgetUnder(work.root)
    }
  }
  return [...affected]
}
