/**
 * The one rule every reader obeys: nothing outside the work's folder is read.
 * A path is inside when, after resolving `..` and every symbolic link, it
 * still lies below the folder's own real path.
 */
import {realpath, stat} from 'node:fs/promises'
import path from 'node:path'

export type Resolution =
  | {ok: true; absolute: string; relative: string}
  | {ok: false; reason: 'outside' | 'missing' | 'not-a-file'}

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
  } catch {
    return {ok: false, reason: 'missing'}
  }
  // A symbolic link inside the folder may still lead out of it.
  if (!isInside(root, real)) return {ok: false, reason: 'outside'}
  const info = await stat(real)
  if (!info.isFile()) return {ok: false, reason: 'not-a-file'}
  return {ok: true, absolute: real, relative: toPosix(path.relative(root, real))}
}

/** A relative path with `/` separators, as used in URLs and asset keys. */
export function toPosix(relative: string): string {
  return relative.split(path.sep).join('/')
}
