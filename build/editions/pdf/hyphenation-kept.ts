/**
 * Texts hyphenated kept between processes, in
 * node_modules/.cache/folio/hyphenation: every text of a work's running
 * text as its last build hyphenated it (hyphenation.ts), by pattern module,
 * with the name of the code that hyphenated (`hyphenationCode`). One file
 * per work. A build of a work built before then hyphenates only the texts
 * that changed, and loads no patterns when none did: loading them and
 * hyphenating every text of the 50x work took 100–150 ms of its cold build,
 * before its print page could be asked for.
 *
 * Hyphenating a text depends only on the text, the patterns and the code:
 * a text read back is the one this process would make, and the editions
 * stay reproducible. A file that does not read whole is not used; deleting
 * the folder costs only time.
 */
import {readFile} from 'node:fs/promises'
import v8 from 'node:v8'
import {cacheFile} from '../../project.ts'
import {keepInCacheAfterBuild} from '../../write-whole.ts'
import {hyphenationCode, keepHyphenation, type TextsHyphenated} from './hyphenation.ts'

const version = 1
/** Not written beyond this many characters (a book of some two million words): such a book hyphenates again. */
const maxCharacters = 64 * 1024 * 1024
/** Files read or written by this process, and the texts each held: a rebuild that hyphenated nothing new writes nothing. */
const known = new Map<string, TextsHyphenated>()

/** What a new process starts with: no file read or written (for the tests). */
export function forgetKeptHyphenation(): void {
  known.clear()
}

/** The file of a work (`work` names it: its root and slug). */
export function keptHyphenationFile(work: string): string {
  return cacheFile('hyphenation', '.v8', work)
}

/** Make the texts kept in `file` this process's own, when this code hyphenated them. */
export async function readKeptHyphenation(file: string): Promise<void> {
  if (known.has(file)) return
  known.set(file, new Map())
  const bytes = await readFile(file).catch(() => undefined)
  if (!bytes) return
  let kept: {version?: unknown; code?: unknown; texts?: unknown}
  try {
    kept = v8.deserialize(bytes) as typeof kept
  } catch {
    return
  }
  if (kept?.version !== version || kept.code !== hyphenationCode() || !(kept.texts instanceof Map)) return
  const texts: TextsHyphenated = new Map()
  for (const [patterns, byText] of kept.texts as Map<unknown, unknown>) {
    if (typeof patterns !== 'string' || !(byText instanceof Map)) continue
    const whole = new Map<string, string>()
    for (const [text, hyphenated] of byText as Map<unknown, unknown>) if (typeof text === 'string' && typeof hyphenated === 'string') whole.set(text, hyphenated)
    texts.set(patterns, whole)
  }
  keepHyphenation(texts)
  known.set(file, texts)
}

/** The texts a build hyphenated (`hyphenateTree`'s `used`), kept for the next process unless they are the ones the file holds. */
export function writeKeptHyphenation(file: string, used: TextsHyphenated): void {
  const held = known.get(file)
  if (held && sameTexts(held, used)) return
  let characters = 0
  for (const byText of used.values()) for (const [text, hyphenated] of byText) characters += text.length + hyphenated.length
  if (characters > maxCharacters) return
  known.set(file, used)
  keepInCacheAfterBuild(file, () => v8.serialize({version, code: hyphenationCode(), texts: used}), 'the cache of hyphenation')
}

/** Whether two collections hold the same texts under the same patterns. */
function sameTexts(a: TextsHyphenated, b: TextsHyphenated): boolean {
  if (a.size !== b.size) return false
  for (const [patterns, texts] of b) {
    const other = a.get(patterns)
    if (!other || other.size !== texts.size) return false
    for (const text of texts.keys()) if (!other.has(text)) return false
  }
  return true
}
