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
import {sourceFile} from './source-file.ts'
import {readInsideWork, readLimits, refusal} from './work-folder.ts'

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
  if (work.file) {
    const name = path.basename(work.file)
    const read = await readInsideWork(work.root, work.root, name, readLimits.text)
    if (read.ok) return {chapters: [sourceFile(read.absolute, read.bytes)], parts: [], refused: []}
    return {chapters: [], parts: [], refused: [refusedFile(work, name, `\`${name}\` ${refusal(read)}`)]}
  }

  let names: string[]
  try {
    names = await readdir(work.root)
  } catch (error) {
    return {chapters: [], parts: [], refused: [refusedFile(work, '.', `The work's folder cannot be read: ${(error as Error).message}`)]}
  }
  if (!names.includes(bookFileName)) {
    const chapters: VFile[] = []
    const refused: VFile[] = []
    for (const name of names.filter((name) => isMarkdown(name) && !name.startsWith('.')).sort(naturalOrder)) {
      const read = await readChapter(work, name)
      if (read.ok) chapters.push(read.file)
      else refused.push(refusedFile(work, name, read.reason))
    }
    return {chapters, parts: [], refused}
  }

  const bookRead = await readInsideWork(work.root, work.root, bookFileName, readLimits.book)
  if (!bookRead.ok) {
    const book = new VFile({path: path.join(work.root, bookFileName)})
    fail(book, `\`${bookFileName}\` ${refusal(bookRead)}`, {line: 1, column: 1}, 'book-file')
    return {book, chapters: [], parts: [], refused: []}
  }
  const book = sourceFile(bookRead.absolute, bookRead.bytes)
  if (book.messages.length > 0) return {book, chapters: [], parts: [], refused: []}
  const {fields, placeOf} = readFields(String(book.value), book, {line: 1, column: 1}, bookSchema)
  if (!fields) return {book, chapters: [], parts: [], refused: []}
  const chapters: VFile[] = []
  const parts: WorkSources['parts'] = []
  const add = async (entry: string, keys: Array<string | number>): Promise<number | undefined> => {
    const read = await readChapter(work, entry)
    if (read.ok) return chapters.push(read.file) - 1
    fail(book, read.reason, placeOf(keys), 'chapter-missing')
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

/** A chapter read through the guard, or why it was not. */
async function readChapter(work: WorkSource, entry: string): Promise<{ok: true; file: VFile} | {ok: false; reason: string}> {
  const read = await readInsideWork(work.root, work.root, entry, readLimits.text)
  if (read.ok) return {ok: true, file: sourceFile(read.absolute, read.bytes)}
  if (read.reason === 'missing') return {ok: false, reason: `Chapter file not found: ${entry}`}
  if (read.reason === 'outside') return {ok: false, reason: `Chapter \`${entry}\` is outside the work's folder: chapters must be inside it`}
  return {ok: false, reason: `Chapter \`${entry}\` ${refusal(read)}`}
}

/** A file refused before reading, with its message. */
function refusedFile(work: WorkSource, name: string, reason: string): VFile {
  const file = new VFile({path: path.join(work.root, name)})
  fail(file, reason, {line: 1, column: 1}, 'chapter-missing')
  return file
}
