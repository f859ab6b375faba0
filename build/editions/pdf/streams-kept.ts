/**
 * The text layer's edited streams kept between processes, in
 * node_modules/.cache/folio/streams: for each page a work's last build
 * repaired (text-layer.ts), its content stream deflated, under the name of
 * what it was made from (Chromium's stream and the edits). One file per
 * work, edition, browser and zlib. A build of a work built before then
 * deflates only the pages that changed, as a watch rebuild does: deflating
 * every page of the 50x work was 200–250 ms of its cold build's finishing.
 *
 * zlib's output depends only on its input, level and version: the version
 * names the file, so a stream read back is the bytes this process would
 * make, and the editions stay reproducible. A file that does not read whole
 * is not used; deleting the folder costs only time.
 */
import {readFile} from 'node:fs/promises'
import v8 from 'node:v8'
import {cacheFile} from '../../project.ts'
import {keepInCache} from '../../write-whole.ts'
import {keepEdited} from './content-stream.ts'

const version = 1
/** Not written beyond what this process keeps of the streams it deflated (content-stream.ts): a long book's pages are deflated again instead. */
const maxBytes = 16 * 1024 * 1024
/** Files read by this process (a watch session reads its work's once), and the names each held. */
const readFiles = new Map<string, Set<string>>()

/** The file of a work's edition (`edition` names it: its root, slug and kind) printed by a browser (`BrowserService.identity`). */
export function keptStreamsFile(browser: string, edition: string): string {
  return cacheFile('streams', '.v8', browser, edition, process.versions.zlib)
}

/** Make the streams kept in `file` this process's own. */
export async function readKeptStreams(file: string): Promise<void> {
  if (readFiles.has(file)) return
  const names = new Set<string>()
  readFiles.set(file, names)
  const bytes = await readFile(file).catch(() => undefined)
  if (!bytes) return
  let kept: {version?: unknown; streams?: unknown}
  try {
    kept = v8.deserialize(bytes) as typeof kept
  } catch {
    return
  }
  if (kept?.version !== version || !(kept.streams instanceof Map)) return
  for (const [name, compressed] of kept.streams as Map<unknown, unknown>) {
    if (typeof name !== 'string' || !(compressed instanceof Uint8Array)) continue
    keepEdited(name, compressed)
    names.add(name)
  }
}

/** The streams a build edited (`repairTextLayer`'s `edited`), kept for the next process unless they are those read. */
export function writeKeptStreams(file: string, used: Map<string, Uint8Array>): void {
  const read = readFiles.get(file)
  if (read && read.size === used.size && [...used.keys()].every((name) => read.has(name))) return
  let total = 0
  for (const compressed of used.values()) total += compressed.byteLength
  if (total > maxBytes) return
  readFiles.set(file, new Set(used.keys()))
  void keepInCache(file, v8.serialize({version, streams: used}), 'the cache of the text layer')
}

/** What a new process starts with: no file read (for the tests). */
export function forgetKeptStreams(): void {
  readFiles.clear()
}
