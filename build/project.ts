/**
 * Where Folio itself is installed: the folder of its package.json. Found by
 * walking up from this module, so that it is the same whether the sources
 * run or the bundle built from them (build/folio.js) does.
 */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

function findProjectRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as {name?: string}
      if (manifest.name === 'folio') return folder
    } catch {
      // Not here: one folder up.
    }
    const parent = path.dirname(folder)
    if (parent === folder) throw new Error('Folio cannot find its own package.json')
    folder = parent
  }
}

export const projectRoot = findProjectRoot()

/** Folio's version (shown by `--version` and in each edition's generator field). */
export const version = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string}).version

/** `require` that resolves packages from Folio's own node_modules. */
export const requireFromProject = createRequire(path.join(projectRoot, 'package.json'))

/**
 * One of Folio's caches (font subsets, drawn covers, citations, the
 * bundle): under node_modules/.cache/folio/, which deleting costs only time.
 */
export function cacheFolder(name: string): string {
  return path.join(projectRoot, 'node_modules', '.cache', 'folio', name)
}

/** A file in one of Folio's caches, named by a SHA-256 of what it is kept for (`parts`, one to a line). */
export function cacheFile(name: string, extension: string, ...parts: string[]): string {
  return path.join(cacheFolder(name), `${createHash('sha256').update(parts.join('\n')).digest('hex')}${extension}`)
}

/**
 * A name for the code that made something kept between processes: a digest
 * of its source (functions, patterns and figures, as `String` gives them).
 * A change to any of them gives another name, so that what the old code
 * kept goes unused without a version to remember to raise.
 */
export function codeDigest(...parts: unknown[]): string {
  return createHash('sha256').update(parts.map(String).join('\n')).digest('base64')
}
