/**
 * Chapters' Markdown parses and transforms kept between processes, in
 * node_modules/.cache/folio/parses and …/transforms: one file of each per
 * chapter, its tree (mdast, or hast for the transform), what it was made
 * from (a hash of the text; for the transform, of the options too) and the
 * code that made it (in the file, not its name: a new bundle writes over the
 * old one's files). A build of a work built before reads back the trees of
 * the chapters whose text did not change, as a watch session keeps them in
 * memory (docs/decisions/0016). Parsing the 50x work's 80,000 words took
 * 500 ms of its cold build, reading its tree back 30; transforming it took
 * 150–200 ms more, reading that back 10.
 *
 * A tree is kept only from a parse or transform that said nothing (no
 * message: a limit reached, raw HTML left open, an image without alt text),
 * so that one read back stands for the whole of what it did; a transform's
 * other effects (the images it embeds, with the size and time of their
 * files, checked again when it is read back) are kept with it. It is kept
 * under the code that made it: the bundle the command runs from
 * (build/folio.js makes it again whenever a source changes, into a new
 * file). Run from the sources (FOLIO_NO_BUNDLE, the tests), nothing is kept
 * unless a test names the code (`keepChaptersAs`). A file that does not read
 * whole is not used; deleting the folder costs only time.
 */
import {readFileSync, statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import v8 from 'node:v8'
import type {Root} from 'mdast'
import type {VFile} from 'vfile'
import {cacheFile, cacheFolder, version} from '../project.ts'
import {keepInCache} from '../write-whole.ts'
import {dependenciesHold, type CachedTransform} from './chapter-cache.ts'

/** What names the code that parses: the bundle's file and the time it was made; undefined when run from the sources. */
function bundleCode(): string | undefined {
  const here = fileURLToPath(import.meta.url)
  if (!here.endsWith('.mjs') || path.dirname(here) !== cacheFolder('bundle')) return undefined
  const made = statSync(here, {throwIfNoEntry: false})
  return made ? `${version}\n${here}\n${made.mtimeMs}\n${made.size}` : undefined
}

let code: string | undefined | null = null

/** Keep parses and transforms as made by `name`'s code (the tests, which run from the sources); undefined: keep none. */
export function keepChaptersAs(name: string | undefined): void {
  code = name
}

/** The file a chapter's parse or transform (`folder`) is kept in; undefined when this code keeps none. */
function keptFile(folder: 'parses' | 'transforms', chapter: string): string | undefined {
  if (code === null) code = bundleCode()
  return code === undefined ? undefined : cacheFile(folder, '.v8', chapter)
}

/** The file a chapter's parse is kept in; undefined when this code keeps none. */
export const keptParseFile = (chapter: string): string | undefined => keptFile('parses', chapter)

/** The file a chapter's transform is kept in; undefined when this code keeps none. */
export const keptTransformFile = (chapter: string): string | undefined => keptFile('transforms', chapter)

/** A transform kept: what the chapter cache holds of one, but for messages (only a transform that said none is kept). */
export type KeptTransform = Omit<CachedTransform, 'messages'>

/** Not kept beyond this (a chapter's images are in it): such a chapter is transformed again. */
const maxTransformBytes = 32 * 1024 * 1024

/**
 * The chapter's transform kept by this code under `key` (`ChapterCache`'s:
 * its text and the options it ran with), when the images it embeds are as
 * they were; else undefined.
 */
export async function readKeptTransform(chapter: string, key: string): Promise<KeptTransform | undefined> {
  const file = keptTransformFile(chapter)
  if (file === undefined) return undefined
  let read: {code?: unknown; transform?: Partial<KeptTransform>}
  try {
    read = v8.deserialize(await readFile(file)) as typeof read
  } catch {
    return undefined
  }
  const transform = read?.transform
  if (read?.code !== code || transform?.key !== key || transform.tree?.type !== 'root' || !Array.isArray(transform.assets) || !Array.isArray(transform.dependencies)) return undefined
  return (await dependenciesHold(transform.dependencies)) ? (transform as KeptTransform) : undefined
}

/** Keep a chapter's transform for the next process (at once: the tree handed out is changed as the work is assembled). */
export function keepTransform(chapter: string, transform: KeptTransform): void {
  const file = keptTransformFile(chapter)
  if (file === undefined) return
  let bytes: Uint8Array
  try {
    bytes = v8.serialize({code, transform})
  } catch {
    // A tree that does not serialize is transformed again next time.
    return
  }
  if (bytes.byteLength <= maxTransformBytes) void keepInCache(file, bytes, 'the cache of transformed chapters')
}

/**
 * The chapter's tree: read back when its text is the one last parsed by
 * this code, else parsed (`parse`) and kept when the parse said nothing.
 *
 * @param textHash A hash of the chapter's text (`ChapterCache.hash`).
 */
export function parseKept(file: VFile, textHash: string, parse: () => Root): Root {
  const kept = keptParseFile(file.path)
  if (kept === undefined) return parse()
  const read = readKept(kept)
  if (read?.textHash === textHash && read.code === code) return read.tree
  const messages = file.messages.length
  const tree = parse()
  if (file.messages.length === messages) {
    let bytes: Uint8Array | undefined
    try {
      bytes = v8.serialize({code, textHash, tree})
    } catch {
      // A tree that does not serialize is parsed again next time.
    }
    if (bytes) void keepInCache(kept, bytes, 'the cache of parsed chapters')
  }
  return tree
}

function readKept(file: string): {code: string; textHash: string; tree: Root} | undefined {
  try {
    const read = v8.deserialize(readFileSync(file)) as {code?: unknown; textHash?: unknown; tree?: {type?: unknown; children?: unknown}}
    if (typeof read?.code !== 'string' || typeof read.textHash !== 'string' || read.tree?.type !== 'root' || !Array.isArray(read.tree.children)) return undefined
    return read as {code: string; textHash: string; tree: Root}
  } catch {
    return undefined
  }
}
