/**
 * Editions are written whole or not at all: to a temporary file beside the
 * target, every byte accounted for (a full disk makes `write` take fewer
 * bytes than it was given, then fail), flushed to the disk, renamed over the
 * target, and the rename flushed too. A build that fails, is killed, or
 * meets a full disk leaves the earlier edition in place, never half of a new
 * one, and says so. An edition whose bytes did not change is not written
 * again (its time stays what it was). A temporary file that a dead build
 * left behind is removed by the next build.
 */
import {randomBytes} from 'node:crypto'
import {constants} from 'node:fs'
import {chmod, lstat, mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle} from 'node:fs/promises'
import path from 'node:path'
import {OutputError} from './errors.ts'
import {describeFileError} from './file-errors.ts'

/** A temporary file older than this was left by a build that died (a live one renames in seconds). */
const abandoned = 10 * 60 * 1000

/** `.brief.html.folio-1234-9f86d081.tmp`: hidden, beside its target, naming the process that writes it. */
const temporaryName = /^\.(.+)\.folio-(\d+)-[\da-f]{8}\.tmp$/

/** What opens the temporary file; tests give one that fails the way a full disk does. */
export type Opener = (file: string, flags: number, mode: number) => Promise<FileHandle>

export interface WriteOptions {
  /** What the file is, for messages: `the html edition`, `the build report`. */
  what?: string
  open?: Opener
}

export interface EditionFile {
  target: string
  bytes: Uint8Array
  /** What the file is, for messages: `the html edition`, `the build report`. */
  what?: string
}

/**
 * Write an edition (or the report) over `target`.
 *
 * @returns Whether the file was written (false: it already held these bytes).
 * @throws OutputError naming the edition when any byte could not be written; the old file stays.
 */
export async function writeEdition(target: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<boolean> {
  const [written] = await writeEditions([{target, bytes, ...(options.what ? {what: options.what} : {})}], options)
  return written!
}

export interface SetOptions extends Pick<WriteOptions, 'open'> {
  /**
   * Called once every file of the set is in place (renamed over its target,
   * or already holding its bytes), before the renames are flushed to the
   * disk: a reader may open the files from then on (watch mode tells the
   * preview), while the flush that makes them outlive a power cut goes on.
   * Given, for each file, whether it was written.
   */
  onPlaced?: (written: boolean[]) => void | Promise<void>
}

/**
 * Write a work's editions as one set: every temporary file is written whole
 * before any is renamed into place, so a full disk never leaves a new HTML
 * page beside an old PDF.
 *
 * @returns For each file, whether it was written (false: it already held these bytes).
 */
export async function writeEditions(files: EditionFile[], options: SetOptions = {}): Promise<boolean[]> {
  const prepared: Prepared[] = []
  const written: boolean[] = []
  try {
    for (const file of files) {
      const what = file.what ?? path.basename(file.target)
      try {
        await mkdir(path.dirname(file.target), {recursive: true})
      } catch (error) {
        throw new OutputError(`Cannot write ${what} (${file.target}): ${describeFileError(error)}`, {cause: error})
      }
      await removeAbandoned(file.target)
      const same = await holds(file.target, file.bytes)
      written.push(!same)
      if (!same) prepared.push(await prepareFile(file.target, file.bytes, {what, ...options}))
    }
  } catch (error) {
    for (const file of prepared) await file.discard()
    throw error
  }
  const placed: Prepared[] = []
  try {
    for (const [index, file] of prepared.entries()) {
      try {
        await file.place()
        placed.push(file)
      } catch (error) {
        for (const later of prepared.slice(index + 1)) await later.discard()
        throw error
      }
    }
    await options.onPlaced?.(written)
  } finally {
    for (const folder of new Set(placed.map((file) => file.folder))) await syncFolder(folder)
  }
  return written
}

/**
 * The checked write itself: temporary file, every byte, fsync, rename, fsync
 * of the folder. Also used for files that are not editions (the cache of
 * drawn covers), where a half-written file would be read back later.
 */
export async function writeFileWhole(target: string, bytes: Uint8Array, options: WriteOptions = {}): Promise<void> {
  const prepared = await prepareFile(target, bytes, options)
  await prepared.place()
  await syncFolder(prepared.folder)
}

/**
 * Keep a file in one of Folio's caches (`cacheFolder`) for later builds,
 * whole or not at all. A cache that cannot be written (a read-only install,
 * a full disk) only costs a later build the work again: nothing is thrown.
 */
export async function keepInCache(file: string, bytes: Uint8Array, what: string): Promise<void> {
  const writing = mkdir(path.dirname(file), {recursive: true})
    .then(() => writeFileWhole(file, bytes, {what}))
    .catch(() => undefined)
  caching.add(writing)
  void writing.finally(() => caching.delete(writing))
  await writing
}

/** Cache writes under way: some callers do not wait for theirs (a citation is kept while the build goes on). */
const caching = new Set<Promise<void>>()

/** Settles once every cache write under way has: the command line waits for it before it exits at once. */
export async function cacheWritesSettled(): Promise<void> {
  makeKeptAfterBuild()
  while (caching.size > 0) await Promise.all(caching)
}

/** Cache files to make once the build under way has ended (`keepInCacheAfterBuild`). */
const afterBuild: Array<() => void> = []

/**
 * Keep a file in a cache as `keepInCache` does, its bytes made by `make`
 * (undefined: nothing is kept) only once the build under way has ended
 * (`buildEnded`), or when the command line waits for its cache writes:
 * making them then holds up no edition. For what a build keeps for the next
 * process (line plans, texts hyphenated, the text layer's streams):
 * serializing the 50x work's kept streams took 25 ms of every watch rebuild,
 * before its PDF was written.
 */
export function keepInCacheAfterBuild(file: string, make: () => Uint8Array | undefined, what: string): void {
  const writing = new Promise<void>((resolve) =>
    afterBuild.push(() => {
      let bytes: Uint8Array | undefined
      try {
        bytes = make()
      } catch {
        bytes = undefined
      }
      void (bytes ? keepInCache(file, bytes, what) : Promise.resolve()).then(resolve)
    })
  )
  caching.add(writing)
  void writing.finally(() => caching.delete(writing))
}

function makeKeptAfterBuild(): void {
  for (const make of afterBuild.splice(0)) make()
}

/** A build has ended, its editions written or not: the cache files kept for after it are made, once what it resolves to has run. */
export function buildEnded(): void {
  setImmediate(makeKeptAfterBuild)
}

/** A temporary file written whole and flushed, waiting to be renamed over its target (or discarded). */
interface Prepared {
  /** The folder that records the rename: flushed once the file is in place. */
  folder: string
  /** Rename it over the target. */
  place: () => Promise<void>
  discard: () => Promise<void>
}

async function prepareFile(target: string, bytes: Uint8Array, options: WriteOptions): Promise<Prepared> {
  const what = options.what ?? path.basename(target)
  const folder = path.dirname(target)
  const temporary = path.join(folder, `.${path.basename(target)}.folio-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
  const previous = await stat(target).catch(() => undefined)
  const kept = previous ? '; the earlier one is kept as it was' : ''
  const discard = () => rm(temporary, {force: true}).catch(() => undefined)
  let handle: FileHandle | undefined
  let written = 0
  try {
    handle = await (options.open ?? open)(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o666)
    while (written < bytes.byteLength) {
      const {bytesWritten} = await handle.write(bytes, written, bytes.byteLength - written)
      // A write that takes nothing will take nothing next time either.
      if (!(bytesWritten > 0)) throw Object.assign(new Error('the disk took no more bytes'), {code: 'ENOSPC'})
      written += bytesWritten
    }
    await handle.sync()
    await handle.close()
    handle = undefined
    // The new file keeps the permissions of the one it replaces.
    if (previous?.isFile()) await chmod(temporary, previous.mode & 0o7777).catch(() => undefined)
  } catch (error) {
    await handle?.close().catch(() => undefined)
    await discard()
    const progress = written < bytes.byteLength ? ` (${written.toLocaleString('en')} of ${bytes.byteLength.toLocaleString('en')} bytes written)` : ''
    throw new OutputError(`Cannot write ${what} (${target}): ${describeFileError(error)}${progress}${kept}`, {cause: error})
  }
  return {
    folder,
    discard,
    place: async () => {
      try {
        await rename(temporary, target)
      } catch (error) {
        await discard()
        throw new OutputError(`Cannot write ${what} (${target}): ${describeFileError(error)}${kept}`, {cause: error})
      }
    }
  }
}

/** True when `target` is a regular file that already holds exactly `bytes` (never opens anything else). */
async function holds(target: string, bytes: Uint8Array): Promise<boolean> {
  const info = await lstat(target).catch(() => undefined)
  if (!info?.isFile() || info.size !== bytes.byteLength) return false
  const existing = await readFile(target).catch(() => undefined)
  return existing !== undefined && Buffer.compare(existing, bytes) === 0
}

/** The rename is only durable once the folder that records it is flushed too. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, constants.O_RDONLY | constants.O_DIRECTORY).catch(() => undefined)
  // Some file systems (and Windows) cannot flush a folder; the rename has happened all the same.
  await handle?.sync().catch(() => undefined)
  await handle?.close().catch(() => undefined)
}

/**
 * Remove temporary files of this target that a build left when it died: its
 * process no longer runs, or the file is older than any write takes.
 */
async function removeAbandoned(target: string): Promise<void> {
  const folder = path.dirname(target)
  const names = await readdir(folder).catch(() => [] as string[])
  for (const name of names) {
    const match = temporaryName.exec(name)
    if (!match || match[1] !== path.basename(target)) continue
    const file = path.join(folder, name)
    const info = await lstat(file).catch(() => undefined)
    if (!info?.isFile()) continue
    if (!running(Number(match[2])) || Date.now() - info.mtimeMs > abandoned) await rm(file, {force: true}).catch(() => undefined)
  }
}

function running(pid: number): boolean {
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

