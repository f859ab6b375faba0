/**
 * The one rule every reader obeys: nothing outside the work's folder is read.
 * A path is inside when, after resolving `..` and every symbolic link, it
 * still lies below the folder's own real path. And every file Folio reads
 * (book.yaml, chapters, images, the cover) is read by `readInsideWork`: a
 * regular file (never a folder, a named pipe that would wait forever, or a
 * device that never ends), under a size limit, read no further than it.
 */
import {constants, type Stats} from 'node:fs'
import {open, realpath, stat} from 'node:fs/promises'
import path from 'node:path'
import {describeFileError} from '../file-errors.ts'

export type Refusal = 'outside' | 'missing' | 'not-a-file' | 'too-large' | 'unreadable'

export type Resolution =
  | {ok: true; absolute: string; relative: string}
  | {ok: false; reason: Refusal; detail?: string}

/** The most Folio reads of each kind of file. */
export const readLimits = {
  /** A chapter or a single-file work: ten times a 500-page book. */
  text: 50_000_000,
  /** book.yaml: fields and a list of chapters. */
  book: 1_000_000,
  /** An image (or the cover). */
  image: 100_000_000
} as const

/** True when `candidate` (absolute, normalised) is `folder` or lies below it. */
export function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/**
 * Resolve a local reference (already URL-decoded, no scheme) made by a file
 * in `fromDir`, and check it names a regular file inside `root`.
 *
 * @param root Real path of the work's folder.
 * @param fromDir Folder of the file that makes the reference.
 * @param reference Relative path as written (POSIX separators).
 */
export async function resolveInsideWork(
  root: string,
  fromDir: string,
  reference: string
): Promise<Resolution> {
  if (reference.startsWith('/') || path.isAbsolute(reference) || reference.includes('\0')) {
    return {ok: false, reason: 'outside'}
  }
  const absolute = path.resolve(fromDir, ...reference.split('/'))
  if (!isInside(root, absolute)) return {ok: false, reason: 'outside'}
  let real: string
  try {
    real = await realpath(absolute)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return {ok: false, reason: 'missing'}
    return {ok: false, reason: 'unreadable', detail: describeFileError(error)}
  }
  // A symbolic link inside the folder may still lead out of it.
  if (!isInside(root, real)) return {ok: false, reason: 'outside'}
  const info = await stat(real).catch(() => undefined)
  if (!info) return {ok: false, reason: 'missing'}
  if (!info.isFile()) return {ok: false, reason: 'not-a-file', detail: kindOf(info)}
  return {ok: true, absolute: real, relative: toPosix(path.relative(root, real))}
}

export type Reading = {ok: true; absolute: string; relative: string; bytes: Uint8Array} | {ok: false; reason: Refusal; detail?: string}

/**
 * Read a file a work refers to, by `resolveInsideWork`'s rules, never more
 * than `limit` bytes: a folder, a named pipe, a device or a file over the
 * limit is refused with the reason, never waited on or read without end.
 *
 * @param limit Bytes at most (one of `readLimits`).
 */
export async function readInsideWork(root: string, fromDir: string, reference: string, limit: number): Promise<Reading> {
  let found: Resolution
  try {
    found = await resolveInsideWork(root, fromDir, reference)
  } catch (error) {
    return {ok: false, reason: 'unreadable', detail: describeFileError(error)}
  }
  if (!found.ok) return found
  let handle
  try {
    // O_NONBLOCK: a named pipe put there since the check opens without waiting for a writer; O_NOFOLLOW: no link swapped in.
    handle = await open(found.absolute, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  } catch (error) {
    return {ok: false, reason: 'unreadable', detail: describeFileError(error)}
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) return {ok: false, reason: 'not-a-file', detail: kindOf(info)}
    if (info.size > limit) return {ok: false, reason: 'too-large', detail: tooLarge(info.size, limit)}
    // Read what fstat promised, and one byte more to see whether the file grew past the limit meanwhile.
    const bytes = new Uint8Array(Math.min(info.size, limit) + 1)
    let filled = 0
    while (filled < bytes.byteLength) {
      const {bytesRead} = await handle.read(bytes, filled, bytes.byteLength - filled, null)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    if (filled > limit) return {ok: false, reason: 'too-large', detail: tooLarge(filled, limit)}
    return {...found, bytes: filled === bytes.byteLength ? bytes : bytes.subarray(0, filled)}
  } catch (error) {
    return {ok: false, reason: 'unreadable', detail: describeFileError(error)}
  } finally {
    await handle.close().catch(() => undefined)
  }
}

/** What a file that is not a regular file is, in words. */
function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  if (info.isSocket()) return 'a socket'
  return 'not a regular file'
}

function tooLarge(size: number, limit: number): string {
  return `it is ${megabytes(size)}, and Folio reads at most ${megabytes(limit)} of this kind of file`
}

function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(0.1, Math.round(bytes / 1e5) / 10)} MB`
}


/** A relative path with `/` separators, as used in URLs and asset keys. */
export function toPosix(relative: string): string {
  return relative.split(path.sep).join('/')
}

/** Why a file was not read, after its name: `is a named pipe (FIFO), not a file`. */
export function refusal(read: {reason: Refusal; detail?: string}): string {
  switch (read.reason) {
    case 'outside':
      return 'leads outside the work\'s folder (a symbolic link); it is not read'
    case 'missing':
      return 'is not there'
    case 'not-a-file':
      return `is ${read.detail ?? 'not a regular file'}, not a file; it is not read`
    case 'too-large':
      return `is too large: ${read.detail ?? ''}`
    default:
      return `cannot be read: ${read.detail ?? 'unknown error'}`
  }
}
