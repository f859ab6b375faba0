/**
 * The table of contents every edition shows (the HTML page's, the PDF's
 * with page numbers and its bookmarks, the EPUB's navigation): for a
 * single-file work its headings; for a work of chapters, each chapter with
 * its headings below it, and parts above their chapters.
 */
import type {Document, Part, TocEntry} from './document.ts'

export interface ContentsEntry {
  kind: 'part' | 'chapter' | 'heading'
  title: string
  /** Id of the element the entry goes to. */
  id: string
  /** Index of the chapter that holds it (a part: its first chapter). */
  chapter: number
  children: ContentsEntry[]
}

export function contentsOf(document: Document): ContentsEntry[] {
  const headings = (entries: TocEntry[]): ContentsEntry[] =>
    entries.map((entry) => ({kind: 'heading', title: entry.title, id: entry.id, chapter: entry.chapter, children: headings(entry.children)}))
  if (document.chapters.length === 1 && document.parts.length === 0) return headings(document.toc)

  const chapters: ContentsEntry[] = document.chapters.map((chapter, index) => {
    const own = document.toc.filter((entry) => entry.chapter === index)
    const [first, ...rest] = own
    // A chapter that opens with a heading: the heading is the chapter's entry (its title as readers see it).
    const opening = document.chapters[index]!.tree.children.find((node) => node.type === 'element')
    const opens = first !== undefined && (first.title === chapter.title || (opening?.type === 'element' && opening.properties.id === first.id))
    return {
      kind: 'chapter',
      title: opens ? first.title : chapter.title,
      id: opens ? first.id : (chapter.anchor ?? first?.id ?? ''),
      chapter: index,
      children: headings(opens ? [...first.children, ...rest] : own)
    }
  })
  const result: ContentsEntry[] = []
  for (const [index, entry] of chapters.entries()) {
    const part = document.chapters[index]!.part
    if (part === undefined) {
      result.push(entry)
      continue
    }
    const partEntry = document.parts[part]!
    let holder = result.find((item) => item.kind === 'part' && item.id === partEntry.id)
    if (!holder) {
      holder = {kind: 'part', title: partEntry.title, id: partEntry.id, chapter: index, children: []}
      result.push(holder)
    }
    holder.children.push(entry)
  }
  return result
}

/** Entries at every level. */
export function countContents(entries: ContentsEntry[]): number {
  return entries.reduce((count, entry) => count + 1 + countContents(entry.children), 0)
}

/** The part that opens with chapter `index`: its title comes before that chapter in every edition. */
export function partOpenedBy(document: Document, index: number): Part | undefined {
  const number = document.chapters[index]!.part
  const part = number === undefined ? undefined : document.parts[number]
  return part?.chapters[0] === index ? part : undefined
}
