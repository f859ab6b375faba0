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
import {fail} from './messages.ts'
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
  /** Files refused before reading (a link that leads out), with their messages. */
  refused: VFile[]
}

export async function readWorkSources(work: WorkSource): Promise<WorkSources> {
  if (work.file) return {chapters: [await readSourceFile(work.file)], refused: []}

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
    return {chapters, refused}
  }

  const book = await readSourceFile(path.join(work.root, bookFileName))
  const {fields, placeOf} = readFields(String(book.value), book, {line: 1, column: 1}, bookSchema)
  if (!fields) return {book, chapters: [], refused: []}
  const chapters: VFile[] = []
  for (const [index, entry] of fields.chapters.entries()) {
    const found = await resolveInsideWork(work.root, work.root, entry)
    if (found.ok) chapters.push(await readSourceFile(found.absolute))
    else fail(book, chapterProblem[found.reason](entry), placeOf(['chapters', index]), 'chapter-missing')
  }
  return {book, bookFields: fields, bookPlaceOf: placeOf, chapters, refused: []}
}

const chapterProblem = {
  outside: (entry: string) => `Chapter \`${entry}\` is outside the work's folder: chapters must be inside it`,
  missing: (entry: string) => `Chapter file not found: ${entry}`,
  'not-a-file': (entry: string) => `Chapter \`${entry}\` is not a file`
}
