/**
 * read → transform → Document, for one work. Every problem found on the way
 * is a message on the file it concerns; the Document is returned only when
 * none of them is an error.
 */
import {stat} from 'node:fs/promises'
import path from 'node:path'
import type {Root as MdastRoot, Yaml} from 'mdast'
import type {Point} from 'unist'
import {VFile} from 'vfile'
import type {WorkSource} from '../read/discover-works.ts'
import {chapterSchema, workSchema, type WorkFields} from '../read/front-matter-schema.ts'
import {readFields} from '../read/front-matter.ts'
import {readImage} from '../read/image.ts'
import {fail, hasErrors, warn} from '../read/messages.ts'
import {readWorkSources} from '../read/work-sources.ts'
import {chapterTransformer, parseChapter} from '../transform/processor.ts'
import {assembleDocument, type ChapterDraft} from './assemble.ts'
import type {Asset, WorkResult} from './document.ts'
import {defaultLang, toMetadata} from './metadata.ts'

interface ParsedChapter {
  file: VFile
  tree: MdastRoot
  title?: string
}

/** The work's own fields, where they were read from. */
interface WorkFieldsSource {
  fields: WorkFields
  file: VFile
  /** Where the fields start. */
  place: Point
  placeOf: (keys: Array<string | number>) => Point
}

export async function loadWork(work: WorkSource): Promise<WorkResult> {
  const sources = await readWorkSources(work)
  const files = [...(sources.book ? [sources.book] : []), ...sources.refused, ...sources.chapters]
  if (sources.chapters.length === 0) {
    if (!hasErrors(files)) {
      const file = sources.book ?? new VFile({path: work.root})
      fail(file, 'This work has no chapters: add a Markdown file', undefined, 'no-chapters')
      if (!sources.book) files.push(file)
    }
    return {name: work.name, files}
  }

  // The work's facts come from book.yaml, else from the first chapter's front matter.
  let workFields: WorkFieldsSource | undefined = sources.book && sources.bookFields
    ? {fields: sources.bookFields, file: sources.book, place: {line: 1, column: 1}, placeOf: sources.bookPlaceOf!}
    : undefined
  const parsed: ParsedChapter[] = sources.chapters.map((file, index) => {
    const tree = parseChapter(file)
    const yaml = tree.children[0]?.type === 'yaml' ? (tree.children[0] as Yaml) : undefined
    const start: Point = {line: (yaml?.position?.start.line ?? 0) + 1, column: 1}
    if (!sources.book && index === 0) {
      if (yaml) {
        const {fields, placeOf} = readFields(yaml.value, file, start, workSchema)
        if (fields) workFields = {fields, file, place: yaml.position!.start, placeOf}
      } else if (String(file.value).trim() !== '') {
        fail(file, 'No front matter: start the file with `---`, a line `title: …`, and `---`', {line: 1, column: 1}, 'front-matter-missing')
      }
      return {file, tree}
    }
    const fields = yaml ? readFields(yaml.value, file, start, chapterSchema).fields : undefined
    return {file, tree, ...(fields?.title ? {title: fields.title} : {})}
  })

  for (const chapter of parsed) {
    const body = chapter.tree.children.filter((node) => node.type !== 'yaml')
    if (body.length === 0 && !hasErrors([chapter.file])) {
      const reason = String(chapter.file.value).trim() === '' ? 'This file is empty' : 'This file has front matter but no text'
      if (parsed.length === 1) fail(chapter.file, `${reason}: the work has nothing to publish`, {line: 1, column: 1}, 'empty')
      else warn(chapter.file, `${reason}: the chapter is empty`, {line: 1, column: 1}, 'empty')
    }
  }

  // Go on without valid metadata, so that problems in the text are reported too.
  const metadata = workFields ? toMetadata(workFields.fields, work.slug, workFields.file, workFields.place) : undefined
  const transformer = chapterTransformer({lang: metadata?.lang ?? defaultLang, root: work.root})
  const drafts: ChapterDraft[] = []
  for (const chapter of parsed) {
    const tree = await transformer.run(chapter.tree, chapter.file)
    drafts.push({file: chapter.file, tree, ...(chapter.title ? {title: chapter.title} : {})})
  }
  const cover = workFields ? await readCover(workFields, work.root) : undefined
  if (!metadata || !workFields || hasErrors(files)) return {name: work.name, files}

  const pageSize = workFields.fields['page-size']
  const document = assembleDocument({
    slug: work.slug,
    root: work.root,
    metadata,
    layout: pageSize ? {pageSize} : {},
    ...(cover ? {cover} : {}),
    modified: await lastModified(files),
    drafts
  })
  return {name: work.name, document, files}
}

/** The cover the front matter names, by the URL policy's rules; a warning when it cannot be used. */
async function readCover(source: WorkFieldsSource, root: string): Promise<Asset | undefined> {
  const {cover} = source.fields
  if (!cover) return undefined
  const result = await readImage(root, path.dirname(source.file.path), cover)
  if (!result.ok) {
    warn(source.file, `${result.reason}; a cover is made from the title instead`, source.placeOf(['cover']), 'cover')
    return undefined
  }
  if (result.asset.mediaType !== 'image/jpeg' && result.asset.mediaType !== 'image/png') {
    warn(source.file, 'The cover must be a JPEG or PNG image; a cover is made from the title instead', source.placeOf(['cover']), 'cover')
    return undefined
  }
  return result.asset
}

/** The newest modification time of the work's source files. */
async function lastModified(files: VFile[]): Promise<Date> {
  const times = await Promise.all(files.map(async (file) => (await stat(file.path).catch(() => undefined))?.mtimeMs ?? 0))
  return new Date(Math.floor(Math.max(0, ...times) / 1000) * 1000)
}
