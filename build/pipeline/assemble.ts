/**
 * The whole-work pass that turns transformed chapters into one Document:
 * ids unique across the work, links between chapters resolved to `#id`, the
 * table of contents, and chapter titles. It is cheap and runs on every build;
 * the per-chapter work before it is what a cache can keep.
 */
import path from 'node:path'
import type {Element, Root} from 'hast'
import {headingRank} from 'hast-util-heading-rank'
import {toString} from 'hast-util-to-string'
import {SKIP, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {isMarkdown, slugOf} from '../read/discover-works.ts'
import {warn} from '../messages.ts'
import {isInside} from '../read/work-folder.ts'
import type {Apparatus} from '../read/apparatus.ts'
import {stringsFor, type Strings} from '../strings.ts'
import {citationPlaceholders, renderCitations} from '../transform/citations/index.ts'
import {crossReferenceLabels, resolveCrossReferences} from '../transform/cross-references.ts'
import GithubSlugger from 'github-slugger'
import type {Asset, Chapter, ChapterType, Citation, Document, Layout, Metadata, Part, TocEntry} from '../document/document.ts'
import type {Theme} from '../document/theme.ts'

const slugger = {slug: (text: string) => new GithubSlugger().slug(text)}

/** A chapter after the transform, before the whole-work pass. */
export interface ChapterDraft {
  file: VFile
  tree: Root
  /** Title from the chapter's own front matter. */
  title?: string
  /** Kind from the chapter's front matter (chapter unless it says). */
  type?: ChapterType
}

export interface AssembleOptions {
  slug: string
  root: string
  metadata: Metadata
  layout: Layout
  theme: Theme
  citation?: Citation
  cover?: Asset
  /** Parts from book.yaml: titles over indices of `drafts`. */
  parts?: Array<{title: string; chapters: number[]}>
  drafts: ChapterDraft[]
  /** The work's sources and citation style, when it names a bibliography. */
  apparatus?: Apparatus
}

/** Headings deeper than this stay out of the table of contents. */
export const tocDepth = 3

/** Ids that start with this belong to templates; content never gets one. */
export const templateIdPrefix = 'folio-'

/** Attributes that name other elements by id. */
const idReferences = ['ariaDescribedBy', 'ariaLabelledBy', 'htmlFor', 'headers'] as const

export function assembleDocument(options: AssembleOptions): Document {
  const {drafts, metadata, root} = options
  const chapterIds = uniqueChapterIds(drafts)
  // A chapter titled in its front matter that does not open with a heading gets one: readers see its title.
  if (drafts.length > 1) for (const draft of drafts) if (draft.title) openWithTitle(draft)
  // Labels as written (`{#fig:map}`), before a label defined twice gets a second id.
  const labels = crossReferenceLabels(drafts)
  const taken = new Set<string>()
  const renames = drafts.map((draft) => makeIdsUnique(draft.tree, taken))
  const strings = stringsFor(metadata.lang)
  const citations = citationPlaceholders(drafts)
  // Before links are resolved, so that `[see](#ref-doe99)` finds its entry.
  if (options.apparatus) renderCitations(citations, drafts, options.apparatus, {strings, claimId: (id) => freeId(id, taken)})
  const bySource = new Map(drafts.map((draft, index) => [draft.file.path, index]))
  const anchors = new Map<number, string>()
  const anchorOf = (index: number): string => {
    let anchor = anchors.get(index)
    if (anchor === undefined) {
      anchor = chapterAnchor(drafts[index]!.tree, chapterIds[index]!, taken)
      anchors.set(index, anchor)
    }
    return anchor
  }

  for (const [index, draft] of drafts.entries()) {
    resolveLinks(draft, index, {root, renames, taken, bySource, anchorOf})
  }
  const numbers = numberFigures(drafts, taken, strings)
  resolveCrossReferences(citations, drafts, labels, {strings, lang: metadata.lang, numbers})
  // Every chapter of several can be linked to (contents, navigation), by its first element's id.
  if (drafts.length > 1) for (const index of drafts.keys()) anchorOf(index)

  const assets = new Map<string, Asset>()
  for (const draft of drafts) for (const asset of draft.file.data.assets ?? []) assets.set(asset.path, asset)

  const parts: Part[] = (options.parts ?? []).map((part) => ({
    id: freeId(partId(slugger.slug(part.title)), taken),
    title: part.title,
    chapters: part.chapters
  }))
  const partOf = new Map(parts.flatMap((part, index) => part.chapters.map((chapter) => [chapter, index] as const)))
  const chapters: Chapter[] = drafts.map((draft, index) => ({
    id: chapterIds[index]!,
    source: path.relative(root, draft.file.path).split(path.sep).join('/'),
    title: chapterTitle(draft, drafts.length === 1 ? metadata.title : undefined),
    tree: draft.tree,
    file: draft.file,
    type: draft.type ?? 'chapter',
    ...(anchors.has(index) ? {anchor: anchors.get(index)!} : {}),
    ...(partOf.has(index) ? {part: partOf.get(index)!} : {})
  }))
  const {toc, count} = tableOfContents(drafts)
  const imagesWithoutAlt = drafts.reduce((sum, draft) => sum + (draft.file.data.imagesWithoutAlt ?? 0), 0)
  return {
    slug: options.slug,
    root,
    metadata,
    chapters,
    parts,
    toc,
    headingCount: count,
    assets,
    layout: options.layout,
    ...(options.cover ? {cover: options.cover} : {}),
    imagesWithoutAlt,
    theme: options.theme,
    ...(options.citation ? {citation: options.citation} : {})
  }
}

function openWithTitle(draft: ChapterDraft): void {
  const first = draft.tree.children.find((node): node is Element => node.type === 'element')
  if (first && headingRank(first)) return
  const slugger = new GithubSlugger()
  draft.tree.children.unshift(
    {type: 'element', tagName: 'h1', properties: {id: slugger.slug(draft.title!) || 'section'}, children: [{type: 'text', value: draft.title!}]},
    {type: 'text', value: '\n'}
  )
}

/** "Figure 2." and "Table 3." before the captions, counted across the work; an id for each. Returns each one's number. */
function numberFigures(drafts: ChapterDraft[], taken: Set<string>, strings: Strings): Map<Element, number> {
  const counts = {figure: 0, table: 0}
  const numbers = new Map<Element, number>()
  for (const draft of drafts) {
    visit(draft.tree, 'element', (node) => {
      const classes = Array.isArray(node.properties.className) ? node.properties.className.map(String) : []
      const kind = node.tagName === 'figure' && classes.includes('figure') ? 'figure' : node.tagName === 'table' && classes.includes('captioned') ? 'table' : undefined
      if (!kind) return undefined
      const number = ++counts[kind]
      numbers.set(node, number)
      if (node.properties.id === undefined) node.properties.id = freeId(`${kind}-${number}`, taken)
      const caption = node.children.find((child): child is Element => child.type === 'element' && (child.tagName === 'figcaption' || child.tagName === 'caption'))
      caption?.children.unshift(
        {type: 'element', tagName: 'span', properties: {className: [`${kind}-label`]}, children: [{type: 'text', value: `${strings[kind]} ${number}.`}]},
        {type: 'text', value: ' '}
      )
      return undefined
    })
  }
  return numbers
}

function uniqueChapterIds(drafts: ChapterDraft[]): string[] {
  const seen = new Set<string>()
  return drafts.map((draft) => {
    const base = slugOf(path.basename(draft.file.path, path.extname(draft.file.path)))
    let id = base
    for (let n = 2; seen.has(id); n++) id = `${base}-${n}`
    seen.add(id)
    return id
  })
}

/** Rename ids already taken in earlier chapters; returns old → new for this chapter. */
function makeIdsUnique(tree: Root, taken: Set<string>): Map<string, string> {
  const renames = new Map<string, string>()
  visit(tree, 'element', (node) => {
    const id = node.properties.id
    if (id === undefined || id === null) return
    const wanted = String(id).startsWith(templateIdPrefix) ? `x-${String(id)}` : String(id)
    const unique = freeId(wanted, taken)
    node.properties.id = unique
    if (!renames.has(String(id))) renames.set(String(id), unique)
  })
  return renames
}

function freeId(wanted: string, taken: Set<string>): string {
  let id = wanted
  for (let n = 1; taken.has(id); n++) id = `${wanted}-${n}`
  taken.add(id)
  return id
}

/** The id a link to the whole chapter goes to: its first element's. */
function chapterAnchor(tree: Root, chapterId: string, taken: Set<string>): string {
  const first = tree.children.find((node): node is Element => node.type === 'element')
  if (!first) return freeId(chapterId, taken)
  if (first.properties.id === undefined || first.properties.id === null) first.properties.id = freeId(chapterId, taken)
  return String(first.properties.id)
}

interface LinkContext {
  root: string
  renames: Array<Map<string, string>>
  taken: Set<string>
  bySource: Map<string, number>
  anchorOf: (index: number) => string
}

/**
 * Same-chapter and cross-chapter links become `#id` with the work-wide id.
 * Every other link without a scheme (to an image, a page, a file that is no
 * chapter, a heading that does not exist) would lead nowhere in some
 * edition: the link is removed and its text kept, with a warning. A link to
 * a heading another chapter lacks goes to that chapter.
 */
function resolveLinks(draft: ChapterDraft, index: number, context: LinkContext): void {
  const {root, renames, taken, bySource, anchorOf} = context
  const inChapter = (chapter: number, id: string): string | undefined =>
    renames[chapter]!.get(id) ?? (taken.has(id) ? id : undefined)
  const unlink = (node: Element, parent: Element | Root, position: number, reason: string): number => {
    warn(draft.file, `${reason}; the link is removed, its text kept`, node, 'link-target')
    parent.children.splice(position, 1, ...node.children)
    return position
  }

  visit(draft.tree, 'element', (node, position, parent) => {
    for (const key of idReferences) {
      const value = node.properties[key]
      if (Array.isArray(value)) node.properties[key] = value.map((id) => inChapter(index, String(id)) ?? id)
    }
    if (node.tagName !== 'a' || typeof node.properties.href !== 'string' || !parent || position === undefined) return undefined
    const href = node.properties.href
    if (/^[a-z][a-z\d+.-]*:/i.test(href) || href.startsWith('//')) return undefined
    const hash = href.indexOf('#')
    const target = decode(hash === -1 ? href : href.slice(0, hash))
    const fragment = hash === -1 ? undefined : decode(href.slice(hash + 1))

    let chapter = index
    if (target.split('?')[0] !== '') {
      const resolved = path.resolve(path.dirname(draft.file.path), target.split('?')[0]!)
      const found = bySource.get(resolved)
      if (found === undefined) {
        const what = isMarkdown(resolved) && isInside(root, resolved) ? 'which is not a chapter of this work' : 'which is not part of the editions (only chapters, and addresses such as https:, can be linked to)'
        return unlink(node, parent, position, `Link to \`${target}\`, ${what}`)
      }
      chapter = found
      if (!fragment) {
        node.properties.href = `#${anchorOf(chapter)}`
        return undefined
      }
    }
    if (fragment === undefined || fragment === '') return undefined
    const id = inChapter(chapter, fragment)
    if (id === undefined) {
      if (chapter === index) return unlink(node, parent, position, `Link target \`#${fragment}\` not found in this chapter`)
      warn(draft.file, `Link target \`#${fragment}\` not found in ${path.basename(target)}; the link goes to the start of that chapter`, node, 'link-target')
      node.properties.href = `#${anchorOf(chapter)}`
      return undefined
    }
    node.properties.href = `#${id}`
    return undefined
  })
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function chapterTitle(draft: ChapterDraft, workTitle: string | undefined): string {
  if (workTitle) return workTitle
  if (draft.title) return draft.title
  let heading: string | undefined
  visit(draft.tree, 'element', (node) => {
    if (heading === undefined && headingRank(node)) heading = headingLabel(node) || undefined
  })
  return heading ?? path.basename(draft.file.path, path.extname(draft.file.path))
}

/** What a heading says: its text, else the alt text of its images (a heading that is a picture). */
function headingLabel(heading: Element): string {
  const text = toString(heading).replace(/\s+/g, ' ').trim()
  if (text) return text
  const alts: string[] = []
  visit(heading, 'element', (node) => {
    if (node.tagName === 'img' && typeof node.properties.alt === 'string' && node.properties.alt.trim()) alts.push(node.properties.alt.trim())
  })
  return alts.join(' ')
}

/**
 * Headings of level 1 to `tocDepth`, nested; notes sections are not part of
 * it, nor are headings that say nothing (`##` alone): a table of contents
 * cannot show them (and an EPUB's navigation may not).
 */
function tableOfContents(drafts: ChapterDraft[]): {toc: TocEntry[]; count: number} {
  const toc: TocEntry[] = []
  const stack: TocEntry[] = []
  let count = 0
  for (const [chapter, draft] of drafts.entries()) {
    visit(draft.tree, 'element', (node) => {
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) return SKIP
      const depth = headingRank(node)
      if (!depth || depth > tocDepth) return undefined
      const title = headingLabel(node)
      if (!title) {
        warn(draft.file, 'Heading without text (or alt text): it is left out of the table of contents', node, 'heading-empty')
        return SKIP
      }
      const entry: TocEntry = {id: String(node.properties.id), depth, title, chapter, children: []}
      while (stack.length > 0 && stack.at(-1)!.depth >= depth) stack.pop()
      const parent = stack.at(-1)
      if (parent) parent.children.push(entry)
      else toc.push(entry)
      stack.push(entry)
      count++
      return SKIP
    })
  }
  return {toc, count}
}

/** `part-…` from a part's title slug, without doubling a title that starts with "Part". */
function partId(slug: string): string {
  if (!slug) return 'part'
  return /^part(-|$)/.test(slug) ? slug : `part-${slug}`
}
