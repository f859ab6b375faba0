/**
 * The text layer's work kept between processes, in
 * node_modules/.cache/folio/streams: for each page a work's last build
 * repaired (text-layer.ts), its content stream deflated, under the name of
 * what it was made from (Chromium's stream and the edits); and for every
 * page, what reading its text found (`StreamScan`), under the name of the
 * stream, with the name of the code that read it (`scanCode`). One file per
 * work, edition, browser and zlib. A build of a work built before then
 * inflates, reads and deflates only the pages that changed, as a watch
 * rebuild does: deflating every page of the 50x work was 200–250 ms of its
 * cold build's finishing, inflating and reading them 150–250 ms more.
 *
 * zlib's output depends only on its input, level and version: the version
 * names the file, so a stream read back is the bytes this process would
 * make, and the editions stay reproducible. A file that does not read whole
 * is not used; deleting the folder costs only time.
 */
import {readFile} from 'node:fs/promises'
import v8 from 'node:v8'
import {cacheFile} from '../../project.ts'
import {keepInCacheAfterBuild} from '../../write-whole.ts'
import {keepEdited} from './content-stream.ts'
import {keepScans, scanCode, type StreamScan, type TextLayerKept} from './text-layer.ts'

const version = 2
/** Not written beyond what this process keeps of the streams it deflated (content-stream.ts): a long book's pages are deflated again instead. */
const maxBytes = 16 * 1024 * 1024
/** Files read by this process (a watch session reads its work's once), and the names each held. */
const readFiles = new Map<string, Set<string>>()

/** The file of a work's edition (`edition` names it: its root, slug and kind) printed by a browser (`BrowserService.identity`). */
export function keptStreamsFile(browser: string, edition: string): string {
  return cacheFile('streams', '.v8', browser, edition, process.versions.zlib)
}

/**
 * Make the streams kept in `file` this process's own, and the scans it
 * holds when this code made them (`keepScans`: the text layer reads no
 * stream before they are taken).
 */
export function readKeptStreams(file: string): Promise<void> {
  const scans = readKept(file)
  keepScans(scans)
  return scans.then(() => undefined)
}

async function readKept(file: string): Promise<Map<string, StreamScan> | undefined> {
  if (readFiles.has(file)) return undefined
  const names = new Set<string>()
  readFiles.set(file, names)
  const bytes = await readFile(file).catch(() => undefined)
  if (!bytes) return undefined
  let kept: {version?: unknown; streams?: unknown; scanCode?: unknown; scans?: unknown}
  try {
    kept = v8.deserialize(bytes) as typeof kept
  } catch {
    return undefined
  }
  if (kept?.version !== version || !(kept.streams instanceof Map) || !(kept.scans instanceof Map)) return undefined
  for (const [name, compressed] of kept.streams as Map<unknown, unknown>) {
    if (typeof name !== 'string' || !(compressed instanceof Uint8Array)) continue
    keepEdited(name, compressed)
    names.add(name)
  }
  if (kept.scanCode !== scanCode()) return undefined
  const scans = new Map<string, StreamScan>()
  for (const [name, scanned] of kept.scans as Map<unknown, Partial<StreamScan> | undefined>) {
    if (typeof name !== 'string' || !Array.isArray(scanned?.spans) || !(scanned.alone instanceof Map)) continue
    scans.set(name, scanned as StreamScan)
    names.add(`scan ${name}`)
  }
  return scans
}

/** What a build's repair collected (`repairTextLayer`), kept for the next process unless it is what was read. */
export function writeKeptStreams(file: string, used: TextLayerKept): void {
  const names = [...used.edited.keys(), ...[...used.scans.keys()].map((name) => `scan ${name}`)]
  const read = readFiles.get(file)
  if (read && read.size === names.length && names.every((name) => read.has(name))) return
  let total = 0
  for (const compressed of used.edited.values()) total += compressed.byteLength
  if (total > maxBytes) return
  readFiles.set(file, new Set(names))
  keepInCacheAfterBuild(
    file,
    () => {
      const bytes = v8.serialize({version, streams: used.edited, scanCode: scanCode(), scans: used.scans})
      return bytes.byteLength > 2 * maxBytes ? undefined : bytes
    },
    'the cache of the text layer'
  )
}

/** What a new process starts with: no file read (for the tests). */
export function forgetKeptStreams(): void {
  readFiles.clear()
}
