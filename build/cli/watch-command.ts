/**
 * `folio watch`: build every edition, then rebuild on each save of a
 * manuscript file, a template or book.yaml, with the browser already running
 * and the chapters that did not change taken from the cache. Bursts of saves
 * are coalesced. A broken save prints its messages and keeps the last good
 * editions; the next good save recovers. A preview server shows the editions
 * and reloads them. A work whose file or folder is deleted leaves the preview,
 * and the editions its last build wrote leave the output folder.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import chokidar from 'chokidar'
import type {VFileMessage} from 'vfile-message'
import {findWorks, isMarkdown, type WorkSource} from '../read/discover-works.ts'
import {wordCount} from '../output/build-report.ts'
import {defaultPort, PreviewServer, type PreviewWork} from '../output/preview-server.ts'
import {formatMessages, tally} from '../output/report.ts'
import {isInside} from '../read/work-folder.ts'
import {templatesFolder} from '../templates-folder.ts'
import {PublishingSession, type WorkOutcome} from '../publish/session.ts'
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
  const session = new PublishingSession({...options, out}, options.browser)
  // Chromium starts first, while the works are found and read.
  session.warmUp()
  let works = await findWorks(options.works, options.cwd)
  const server = options.serve ? new PreviewServer() : undefined

  const report = (outcome: WorkOutcome, verb: string, started: number): void => {
    const printed = new Set<VFileMessage>()
    const messages = formatMessages(outcome.files, printed, options.cwd, console.color)
    for (const line of messages) console.err(line)
    const name = works.length > 1 ? `${outcome.work.name}: ` : ''
    if (!outcome.built) {
      console.err(`${name}not ${verb}: the last good editions are kept`)
    } else {
      const parts = outcome.editions.map((edition) => `${edition.format} ${Math.round(edition.milliseconds)} ms`)
      console.out(`${name}${verb} ${parts.join(', ')} (${Math.round(performance.now() - started)} ms in all)`)
    }
    if (server) {
      const {slug, name: workName} = outcome.work
      const previous = previewWorks.get(slug)
      const {errors, warnings} = tally(outcome.files)
      const title = outcome.document?.metadata.title ?? previous?.title ?? workName
      const shown: PreviewWork = outcome.built
        ? {
            slug,
            title,
            name: workName,
            editions: outcome.editions.map(({format, target, bytes, pages}) => ({format, file: target, bytes, ...(pages === undefined ? {} : {pages})})),
            problems: [],
            errors,
            warnings,
            ...(outcome.document ? {words: wordCount(outcome.document)} : {}),
            builtAt: new Date()
          }
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
      previewWorks.set(slug, shown)
      server.update(shown)
    }
  }
  const previewWorks = new Map<string, PreviewWork>()

  /** A work whose file or folder is gone: out of the preview, and its editions out of the output folder. */
  const withdraw = async (work: WorkSource): Promise<void> => {
    // Another work now writes under this name (a file moved to another folder): its editions are its own.
    if (works.some((other) => other.slug === work.slug)) return
    previewWorks.delete(work.slug)
    server?.remove(work.slug)
    try {
      const removed = await session.withdraw(work)
      const names = removed.map((file) => path.basename(file))
      console.out(`${work.name} no longer exists: ${names.length > 0 ? `removed ${names.join(', ')} from ${path.relative(options.cwd, out) || '.'}/` : 'it had no editions to remove'}`)
    } catch (error) {
      console.err(`folio: the editions of ${work.name} could not be removed: ${(error as Error).message}`)
    }
  }

  const publish = async (targets: WorkSource[], verb: string, force: boolean): Promise<void> => {
    for (const work of targets) {
      const started = performance.now()
      try {
        const outcome = await session.publish(work, force)
        // A save that changed nothing (an editor's autosave, a touch) rebuilds nothing.
        if (!outcome.unchanged) report(outcome, verb, started)
      } catch (error) {
        if (signal.aborted) return
        console.err(`${work.name}: ${(error as Error).message}`)
      }
    }
  }

  try {
    await publish(works, 'built', true)
    console.out(`Editions in ${path.relative(options.cwd, out) || '.'}/`)
    if (server) {
      try {
        const address = await server.listen(options.port)
        console.out(`Preview at ${address} (loopback only; Ctrl-C to stop)`)
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${options.port} is in use (choose another with --port)` : (error as Error).message
        console.err(`folio: the preview server could not start: ${reason}`)
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
      console.err(`folio: ${where ? `${path.relative(options.cwd, where) || where} is not watched` : 'watching'}: ${what}`)
    })
    const changed = new Set<string>()
    let timer: NodeJS.Timeout | undefined
    let running: Promise<void> = Promise.resolve()
    let rediscover = false

    const rebuild = async (): Promise<void> => {
      const files = [...changed]
      changed.clear()
      if (rediscover) {
        rediscover = false
        let found: WorkSource[]
        try {
          found = await findWorks(options.works, options.cwd)
        } catch (error) {
          console.err(`folio: ${(error as Error).message}`)
          // The work named was deleted, or no work is left: those still on disk are watched on.
          found = works.filter((work) => existsSync(work.file ?? work.root))
        }
        const source = (work: WorkSource) => work.file ?? work.root
        const gone = works.filter((work) => !found.some((other) => source(other) === source(work)))
        works = found
        for (const work of gone) await withdraw(work)
      }
      const affected = affectedWorks(works, files, session)
      await publish(affected, 'rebuilt', files.some((file) => isInside(templatesFolder, file)))
    }
    watcher.on('all', (event, file) => {
      changed.add(path.resolve(file))
      if (event === 'add' || event === 'unlink' || event === 'addDir' || event === 'unlinkDir') rediscover = true
      clearTimeout(timer)
      timer = setTimeout(() => {
        running = running.then(rebuild)
      }, options.settle ?? 120)
    })
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
    console.out(`Watching ${watched.map((folder) => path.relative(options.cwd, folder) || '.').join(', ')}`)

    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve()
      signal.addEventListener('abort', () => resolve(), {once: true})
    })
    clearTimeout(timer)
    await watcher.close()
    await running.catch(() => undefined)
    return 0
  } finally {
    await server?.close()
    await session.close()
  }
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
