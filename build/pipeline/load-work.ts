/**
 * read → transform → Document, for one work. Every problem found on the way
 * is a message on the file it concerns; the Document is returned only when
 * none of them is an error.
 */
import {stat} from 'node:fs/promises'
import path from 'node:path'
import type {Root as HastRoot} from 'hast'
import type {Root as MdastRoot, Yaml} from 'mdast'
import type {Point} from 'unist'
import {VFile} from 'vfile'
import type {WorkSource} from '../read/discover-works.ts'
import {chapterSchema, workSchema, type ChapterFields, type WorkFields} from '../read/front-matter-schema.ts'
import {readApparatus} from '../read/apparatus.ts'
import {readFields} from '../read/front-matter.ts'
import {readImage} from '../read/image.ts'
import {fail, hasErrors, warn} from '../messages.ts'
import {readWorkSources} from '../read/work-sources.ts'
import {readWorksConfig, worksFolderOf} from '../read/works-config.ts'
import {chapterTransformer, parseChapter} from '../transform/processor.ts'
import {quoteStyleFor, typesetText} from '../transform/typography.ts'
import {stringsFor} from '../strings.ts'
import {version} from '../project.ts'
import {assembleDocument, type ChapterDraft} from './assemble.ts'
import {ChapterCache} from './chapter-cache.ts'
import {keepTransform, parseKept, readKeptTransform} from './chapters-kept.ts'
import type {Asset, ChapterType, Document} from '../document/document.ts'
import {defaultLang, toMetadata} from './metadata.ts'
import type {TimeLimit} from '../time-limit.ts'
import {resolveTheme, type ThemeRequest} from './theme.ts'
import {recommendedCitation} from './citation.ts'

/** What a chapter's front matter says, and whether text follows it. */
interface ChapterHead {
  fields: WorkFields | ChapterFields | undefined
  /** Where the front matter starts. */
  place: Point
  placeOf: (keys: Array<string | number>) => Point
  hasBody: boolean
  /** The parsed text, kept when it was parsed for this build. */
  mdast?: MdastRoot
}

/** The work's own fields, where they were read from. */
interface WorkFieldsSource {
  fields: WorkFields
  file: VFile
  /** Where the fields start. */
  place: Point
  placeOf: (keys: Array<string | number>) => Point
}

/** What reading a work produced: a Document, unless an error stopped it. */
export interface WorkResult {
  /** The work's name as the user sees it (its file or folder). */
  name: string
  document?: Document
  /** Every source file read (manuscript, chapters, book.yaml) with its messages. */
  files: VFile[]
  /** A hash of everything read: the same sources give the same fingerprint. */
  fingerprint?: string
}

/**
 * @param cache Chapters read before (watch mode keeps one for the session).
 * @param limit How long reading may go without getting further (checked between chapters).
 * @param onChapter Told after each chapter is read and transformed, for progress on screen.
 */
export async function loadWork(work: WorkSource, cache = new ChapterCache(), limit?: TimeLimit, onChapter?: (read: number, of: number) => void): Promise<WorkResult> {
  const sources = await readWorkSources(work)
  limit?.check('its files')
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
  const parsed = sources.chapters.map((file, index) => {
    const contentHash = ChapterCache.hash(String(file.value))
    const head = chapterHead(file, !sources.book && index === 0, contentHash, cache)
    if (!sources.book && index === 0 && head.fields) {
      workFields = {fields: head.fields as WorkFields, file, place: head.place, placeOf: head.placeOf}
    }
    const fields = head.fields as {title?: string; type?: ChapterType} | undefined
    const title = sources.book || index > 0 ? fields?.title : undefined
    return {file, contentHash, head, ...(title ? {title} : {}), ...(fields?.type ? {type: fields.type} : {})}
  })

  for (const chapter of parsed) {
    if (!chapter.head.hasBody && !hasErrors([chapter.file])) {
      const reason = String(chapter.file.value).trim() === '' ? 'This file is empty' : 'This file has front matter but no text'
      if (parsed.length === 1) fail(chapter.file, `${reason}: the work has nothing to publish`, {line: 1, column: 1}, 'empty')
      else warn(chapter.file, `${reason}: the chapter is empty`, {line: 1, column: 1}, 'empty')
    }
  }

  // Go on without valid metadata, so that problems in the text are reported too.
  const metadata = workFields ? toMetadata(workFields.fields, work.slug, workFields.file, workFields.place, workFields.placeOf) : undefined
  const lang = metadata?.lang ?? defaultLang
  const dir = metadata?.dir ?? 'ltr'
  // Sources and citation style: whether citations become notes shapes each chapter.
  const apparatus = metadata && workFields ? await readApparatus(work.root, workFields, lang) : undefined
  if (apparatus) files.push(...apparatus.files)
  const citations = apparatus ? {citations: {notes: apparatus.style.notes}} : {}
  const transformer = chapterTransformer({lang, dir, root: work.root, ...citations})
  // What else shapes a transformed chapter: its language, its folder, Folio's words for that language.
  const options = ChapterCache.hash(lang, dir, work.root, version, JSON.stringify(stringsFor(lang)), ...(apparatus ? [JSON.stringify(citations)] : []))
  const drafts: ChapterDraft[] = []
  for (const chapter of parsed) {
    limit?.check(path.basename(chapter.file.path))
    // A work of one file changes with every edit: keeping a copy of its transform would only cost the copy.
    const tree = await transformChapter(chapter.file, chapter.head, ChapterCache.hash(chapter.contentHash, options), transformer, work.root, cache, parsed.length > 1)
    drafts.push({file: chapter.file, tree, ...(chapter.title ? {title: chapter.title} : {}), ...(chapter.type ? {type: chapter.type} : {})})
    onChapter?.(drafts.length, parsed.length)
  }
  const cover = workFields ? await readCover(workFields, work.root) : undefined
  const theme = await themeOf(work, workFields)
  files.push(...theme.files)
  const read = [...parsed.map((chapter) => chapter.contentHash), ...(apparatus?.files.map((file) => ChapterCache.hash(String(file.value))) ?? [])]
  const fingerprint = await fingerprintOf(sources.book, read, drafts, work.root, cover, theme.dependencies)
  if (!metadata || !workFields || !theme.theme || hasErrors(files)) return {name: work.name, files, fingerprint}

  const pageSize = workFields.fields['page-size']
  // A single file is a brief, a work in chapters a book, unless the manuscript says (docs/decisions/0011-layouts.md).
  const kind = workFields.fields.layout ?? (work.kind === 'file' ? 'brief' : 'book')
  // The work's word, else the theme's.
  const coverPage = workFields.fields['cover-page'] ?? theme.theme.coverPage
  const citation = recommendedCitation(metadata, {style: theme.theme.citationStyle, kind: kind === 'book' ? 'book' : 'report', strings: stringsFor(lang)})
  const document = assembleDocument({
    slug: work.slug,
    root: work.root,
    metadata,
    layout: {kind, ...(pageSize ? {pageSize} : {}), ...(coverPage ? {coverPage} : {})},
    theme: theme.theme,
    ...(citation ? {citation} : {}),
    ...(cover ? {cover} : {}),
    parts: sources.parts.map((part) => ({...part, title: typesetText(part.title, quoteStyleFor(lang))})),
    drafts,
    ...(apparatus ? {apparatus} : {})
  })
  return {name: work.name, document, files, fingerprint}
}

/**
 * The theme the work names (front matter or book.yaml), else the one its
 * folder of works' folio.yaml names, else Folio's own.
 */
async function themeOf(work: WorkSource, workFields: WorkFieldsSource | undefined): Promise<{theme?: Document['theme']; files: VFile[]; dependencies: string[]}> {
  const worksFolder = worksFolderOf(work)
  let request: ThemeRequest | undefined
  const files: VFile[] = []
  const dependencies: string[] = []
  if (workFields?.fields.theme) {
    request = {name: workFields.fields.theme, file: workFields.file, place: workFields.placeOf(['theme']), from: path.dirname(workFields.file.path)}
  } else {
    const config = await readWorksConfig(worksFolder)
    if (config) {
      files.push(config.file)
      dependencies.push(config.file.path)
      if (config.fields?.theme) request = {name: config.fields.theme, file: config.file, place: config.placeOf(['theme']), from: worksFolder}
    }
  }
  const resolved = await resolveTheme(request, worksFolder)
  return {...(resolved.theme ? {theme: resolved.theme} : {}), files: [...files, ...resolved.files], dependencies: [...dependencies, ...resolved.dependencies]}
}

/** Everything a build of the work read: its texts, and the size and time of every image and theme file. */
async function fingerprintOf(book: VFile | undefined, contentHashes: string[], drafts: ChapterDraft[], root: string, cover: Asset | undefined, themeFiles: string[]): Promise<string> {
  const images = [...drafts.flatMap((draft) => draft.file.data.assets ?? []), ...(cover ? [cover] : [])]
  const states = await Promise.all(
    [...images.map((asset) => path.join(root, asset.path)), ...themeFiles].map(async (file) => {
      const info = await stat(file).catch(() => undefined)
      return `${file}:${info?.size}:${info?.mtimeMs}`
    })
  )
  return ChapterCache.hash(String(book?.value ?? ''), ...contentHashes, ...states.sort())
}

/** Read a chapter's front matter, or take it from the cache when the text is unchanged. */
function chapterHead(file: VFile, holdsWorkFields: boolean, contentHash: string, cache: ChapterCache): ChapterHead {
  const cached = cache.fields<ChapterHead>(file, contentHash)
  if (cached?.fields) {
    for (const message of cached.messages) file.messages.push(message)
    return cached.fields
  }
  const before = file.messages.length
  // Watch mode keeps its passages in memory instead (an edit then parses only its own).
  const mdast = cache.keepsPassages ? parseChapter(file, cache.passages(file)) : parseKept(file, contentHash, () => parseChapter(file))
  const yaml = mdast.children[0]?.type === 'yaml' ? (mdast.children[0] as Yaml) : undefined
  const start: Point = {line: (yaml?.position?.start.line ?? 0) + 1, column: 1}
  const head: ChapterHead = {
    fields: undefined,
    place: yaml?.position?.start ?? {line: 1, column: 1},
    placeOf: () => start,
    hasBody: mdast.children.some((node) => node.type !== 'yaml')
  }
  if (yaml) {
    const read = readFields(yaml.value, file, start, holdsWorkFields ? workSchema : chapterSchema)
    head.fields = read.fields
    head.placeOf = read.placeOf
  } else if (holdsWorkFields && String(file.value).trim() !== '') {
    fail(file, 'No front matter: start the file with `---`, a line `title: …`, and `---`', {line: 1, column: 1}, 'front-matter-missing')
  }
  cache.keepFields(file, {contentHash, fields: head, messages: file.messages.slice(before)})
  return {...head, mdast}
}

/** Transform a chapter, or take a copy from the cache when nothing it depends on changed. */
async function transformChapter(
  file: VFile,
  head: ChapterHead,
  key: string,
  transformer: ReturnType<typeof chapterTransformer>,
  root: string,
  cache: ChapterCache,
  keep = true
): Promise<HastRoot> {
  const cached = await cache.transform(file, key)
  if (cached) {
    for (const message of cached.messages) file.messages.push(message)
    file.data.assets = cached.assets
    file.data.imagesWithoutAlt = cached.imagesWithoutAlt
    return structuredClone(cached.tree)
  }
  // A new process finds what an earlier one kept (chapters-kept.ts); watch mode keeps its own in memory.
  const kept = cache.keepsPassages ? undefined : await readKeptTransform(file.path, key)
  if (kept) {
    file.data.assets = kept.assets
    file.data.imagesWithoutAlt = kept.imagesWithoutAlt
    if (keep) cache.keepTransform(file, {...kept, tree: structuredClone(kept.tree), messages: []})
    return kept.tree
  }
  const before = file.messages.length
  const tree = await transformer.run(head.mdast ?? parseChapter(file, cache.passages(file)), file)
  const keptFile = !cache.keepsPassages && file.messages.length === before
  if (!keep && !keptFile) return tree
  const assets = file.data.assets ?? []
  const dependencies = await Promise.all(
    assets.map(async (asset) => {
      const absolute = path.join(root, asset.path)
      const info = await stat(absolute)
      return {path: absolute, size: info.size, modified: info.mtimeMs}
    })
  )
  const transform = {key, tree, assets, imagesWithoutAlt: file.data.imagesWithoutAlt ?? 0, dependencies}
  if (keptFile) keepTransform(file.path, transform)
  if (keep) cache.keepTransform(file, {...transform, tree: structuredClone(tree), messages: file.messages.slice(before)})
  return tree
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
