/**
 * Incremental work: a chapter whose text did not change is not parsed or
 * transformed again. Entries are keyed by the chapter's path and checked
 * against a hash of its content (and, for the transform, of the options it
 * ran with) and against the images it embeds. The trees kept here are never
 * handed out: a reader gets a copy, since assembling a Document changes ids.
 */
import {createHash} from 'node:crypto'
import {stat} from 'node:fs/promises'
import type {Root} from 'hast'
import type {VFile} from 'vfile'
import type {VFileMessage} from 'vfile-message'
import type {Asset} from '../document/document.ts'
import {PassageCache} from '../transform/incremental-parse.ts'

/** The front matter as read, and what reading it said. */
export interface CachedFields<Fields> {
  contentHash: string
  fields: Fields | undefined
  messages: VFileMessage[]
}

export interface CachedTransform {
  key: string
  tree: Root
  messages: VFileMessage[]
  assets: Asset[]
  imagesWithoutAlt: number
  /** Files the chapter embeds, as they were when it was transformed. */
  dependencies: Array<{path: string; size: number; modified: number}>
}

interface Entry {
  fields?: CachedFields<unknown>
  transform?: CachedTransform
  /** The chapter's text in passages, so that an edit parses only the passage it falls in. */
  passages?: PassageCache
}

/** Whether the files a transform embedded are as they were (size and time). */
export async function dependenciesHold(dependencies: CachedTransform['dependencies']): Promise<boolean> {
  for (const dependency of dependencies) {
    const info = await stat(dependency.path).catch(() => undefined)
    if (!info || info.size !== dependency.size || info.mtimeMs !== dependency.modified) return false
  }
  return true
}

export class ChapterCache {
  #entries = new Map<string, Entry>()
  /** Whether chapters' texts are kept in passages (watch mode: a build that reads each text once gains nothing). */
  readonly keepsPassages: boolean

  constructor(options: {passages?: boolean} = {}) {
    this.keepsPassages = options.passages ?? false
  }

  /** A hash of a chapter's text. */
  static hash(...parts: string[]): string {
    const hash = createHash('sha256')
    for (const part of parts) hash.update(part).update('\0')
    return hash.digest('hex')
  }

  fields<Fields>(file: VFile, contentHash: string): CachedFields<Fields> | undefined {
    const cached = this.#entries.get(file.path)?.fields
    return cached?.contentHash === contentHash ? (cached as CachedFields<Fields>) : undefined
  }

  keepFields<Fields>(file: VFile, fields: CachedFields<Fields>): void {
    this.#entry(file).fields = fields as CachedFields<unknown>
  }

  /** The transformed chapter, if its key matches and the images it embeds are unchanged. */
  async transform(file: VFile, key: string): Promise<CachedTransform | undefined> {
    const cached = this.#entries.get(file.path)?.transform
    if (!cached || cached.key !== key) return undefined
    return (await dependenciesHold(cached.dependencies)) ? cached : undefined
  }

  keepTransform(file: VFile, transform: CachedTransform): void {
    this.#entry(file).transform = transform
  }

  /** The hash of a chapter's text as it was last read (`hash` of its decoded text), if it was. */
  lastRead(path: string): string | undefined {
    return this.#entries.get(path)?.fields?.contentHash
  }

  /** The passages of a chapter's text parsed before (docs/decisions/0016-incremental-parsing.md). */
  passages(file: VFile): PassageCache | undefined {
    if (!this.keepsPassages) return undefined
    const entry = this.#entry(file)
    entry.passages ??= new PassageCache()
    return entry.passages
  }

  /** Forget every chapter below a folder (a file the cache cannot see changed there: an image added, say). */
  forgetUnder(folder: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(folder)) this.#entries.delete(key)
  }

  #entry(file: VFile): Entry {
    let entry = this.#entries.get(file.path)
    if (!entry) {
      entry = {}
      this.#entries.set(file.path, entry)
    }
    return entry
  }
}
