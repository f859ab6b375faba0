/**
 * Reads a work's source files, in reading order: the single Markdown file,
 * or the chapters of a folder as `book.yaml` lists them, or (without one)
 * its Markdown files in natural order.
 */
import {readdir} from 'node:fs/promises'
import path from 'node:path'
import type {Point} from 'unist'
import {VFile} from 'vfile'
import {isMarkdown, naturalOrder, type WorkSource} from './discover-works.ts'
import {bookSchema, type BookFields} from './front-matter-schema.ts'
import {readFields} from './front-matter.ts'
import {fail} from '../messages.ts'
import {readSourceFile} from './source-file.ts'
import {resolveInsideWork} from './work-folder.ts'

/** Name of the file that lists a folder's chapters and holds its metadata. */
export const bookFileName = 'book.yaml'

export interface WorkSources {
  /** `book.yaml`, when the work has one. */
  book?: VFile
  /** Its checked fields (absent when it has errors). */
  bookFields?: BookFields
  /** Where a field of book.yaml stands. */
  bookPlaceOf?: (keys: Array<string | number>) => Point
  /** Chapter files in reading order. */
  chapters: VFile[]
  /** Parts that book.yaml groups chapters into: a title and indices into `chapters`. */
  parts: Array<{title: string; chapters: number[]}>
  /** Files refused before reading (a link that leads out), with their messages. */
  refused: VFile[]
}

export async function readWorkSources(work: WorkSource): Promise<WorkSources> {
  if (work.file) return {chapters: [await readSourceFile(work.file)], parts: [], refused: []}

  const names = await readdir(work.root)
  if (!names.includes(bookFileName)) {
    const chapters: VFile[] = []
    const refused: VFile[] = []
    for (const name of names.filter((name) => isMarkdown(name) && !name.startsWith('.')).sort(naturalOrder)) {
      const found = await resolveInsideWork(work.root, work.root, name)
      if (found.ok) chapters.push(await readSourceFile(found.absolute))
      else {
        const file = new VFile({path: path.join(work.root, name)})
        fail(file, chapterProblem[found.reason](name), undefined, 'chapter-missing')
        refused.push(file)
      }
    }
    return {chapters, parts: [], refused}
  }

  const book = await readSourceFile(path.join(work.root, bookFileName))
  const {fields, placeOf} = readFields(String(book.value), book, {line: 1, column: 1}, bookSchema)
  if (!fields) return {book, chapters: [], parts: [], refused: []}
  const chapters: VFile[] = []
  const parts: WorkSources['parts'] = []
  const add = async (entry: string, keys: Array<string | number>): Promise<number | undefined> => {
    const found = await resolveInsideWork(work.root, work.root, entry)
    if (found.ok) return chapters.push(await readSourceFile(found.absolute)) - 1
    fail(book, chapterProblem[found.reason](entry), placeOf(keys), 'chapter-missing')
    return undefined
  }
  for (const [index, entry] of fields.chapters.entries()) {
    if (typeof entry === 'string') {
      await add(entry, ['chapters', index])
      continue
    }
    const part = {title: entry.part, chapters: [] as number[]}
    for (const [position, file] of entry.chapters.entries()) {
      const added = await add(file, ['chapters', index, 'chapters', position])
      if (added !== undefined) part.chapters.push(added)
    }
    parts.push(part)
  }
  return {book, bookFields: fields, bookPlaceOf: placeOf, chapters, parts, refused: []}
}

const chapterProblem = {
  outside: (entry: string) => `Chapter \`${entry}\` is outside the work's folder: chapters must be inside it`,
  missing: (entry: string) => `Chapter file not found: ${entry}`,
  'not-a-file': (entry: string) => `Chapter \`${entry}\` is not a file`
}
