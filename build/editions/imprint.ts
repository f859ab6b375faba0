/**
 * The facts about a book that its title page, copyright page and the HTML
 * page's header and footer show, worded once for every edition; and the
 * semantics of each kind of chapter (ARIA role, EPUB type, and whether it is
 * front, body or back matter), with the section every edition wraps a
 * chapter of several in.
 */
import type {Element, ElementContent} from 'hast'
import {headingRank} from 'hast-util-heading-rank'
import {h} from 'hastscript'
import type {Chapter, ChapterType, Metadata} from '../document/document.ts'
import type {Strings} from '../strings.ts'

/** "A, B and C" in the work's language. */
export function listNames(names: string[], strings: Strings): string {
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} ${strings.and} ${names.at(-1)}`
}

const roleLabels: Record<string, keyof Strings> = {
  edt: 'editedBy', trl: 'translatedBy', ill: 'illustratedBy', pht: 'photographsBy', aui: 'introductionBy', nrt: 'narratedBy', ctb: 'contributors'
}

/** The authors, then one line per other role: "Edited by Jane Doe". */
export function contributorLines(metadata: Metadata, strings: Strings): string[] {
  const byRole = new Map<string, string[]>()
  for (const contributor of metadata.contributors) byRole.set(contributor.role, [...(byRole.get(contributor.role) ?? []), contributor.name])
  const lines: string[] = []
  const authors = byRole.get('aut')
  if (authors) lines.push(listNames(authors, strings))
  for (const [role, names] of byRole) {
    if (role === 'aut') continue
    lines.push(`${strings[roleLabels[role] ?? 'contributors'] as string} ${listNames(names, strings)}`)
  }
  return lines
}

/** A work has an imprint when it names a publisher, rights, an ISBN, an edition or a series. */
export function hasImprint(metadata: Metadata): boolean {
  return Boolean(metadata.publisher || metadata.rights || metadata.isbn || metadata.edition || metadata.series)
}

/** The lines of a copyright page, in the usual order. */
export function imprintLines(metadata: Metadata, strings: Strings): string[] {
  return [
    metadata.series,
    metadata.edition,
    metadata.date ? `${strings.published} ${metadata.date}` : undefined,
    metadata.rights,
    metadata.isbn ? `${strings.isbn} ${metadata.isbn}` : undefined,
    metadata.publisher
  ].filter((line): line is string => Boolean(line))
}

export type Matter = 'frontmatter' | 'bodymatter' | 'backmatter'

export interface ChapterSemantics {
  /** DPUB-ARIA role. */
  role?: string
  /** EPUB structural semantics term. */
  epubType?: string
  matter: Matter
}

/** How each kind of chapter is marked up (EPUB SSV terms, DPUB-ARIA roles). */
export const chapterSemantics: Record<ChapterType, ChapterSemantics> = {
  chapter: {role: 'doc-chapter', epubType: 'chapter', matter: 'bodymatter'},
  preface: {role: 'doc-preface', epubType: 'preface', matter: 'frontmatter'},
  foreword: {role: 'doc-foreword', epubType: 'foreword', matter: 'frontmatter'},
  introduction: {role: 'doc-introduction', epubType: 'introduction', matter: 'bodymatter'},
  prologue: {role: 'doc-prologue', epubType: 'prologue', matter: 'bodymatter'},
  acknowledgments: {role: 'doc-acknowledgments', epubType: 'acknowledgments', matter: 'frontmatter'},
  dedication: {role: 'doc-dedication', epubType: 'dedication', matter: 'frontmatter'},
  epigraph: {role: 'doc-epigraph', epubType: 'epigraph', matter: 'frontmatter'},
  epilogue: {role: 'doc-epilogue', epubType: 'epilogue', matter: 'bodymatter'},
  afterword: {role: 'doc-afterword', epubType: 'afterword', matter: 'backmatter'},
  conclusion: {role: 'doc-conclusion', epubType: 'conclusion', matter: 'bodymatter'},
  appendix: {role: 'doc-appendix', epubType: 'appendix', matter: 'backmatter'},
  glossary: {role: 'doc-glossary', epubType: 'glossary', matter: 'backmatter'},
  bibliography: {role: 'doc-bibliography', epubType: 'bibliography', matter: 'backmatter'},
  notes: {role: 'doc-endnotes', epubType: 'endnotes', matter: 'backmatter'},
  about: {matter: 'backmatter'},
  colophon: {role: 'doc-colophon', epubType: 'colophon', matter: 'backmatter'}
}

/**
 * A chapter as a section: its kind as a class, its role (in an EPUB also its
 * `epub:type`, beside the role), named by its first heading or, without
 * one or when `byTitle`, by its title.
 */
export function chapterSection(chapter: Chapter, content: ElementContent[], options: {epub?: boolean; byTitle?: boolean} = {}): Element {
  const semantics = chapterSemantics[chapter.type]
  const role = semantics.role ? {role: semantics.role} : {}
  const typed = options.epub && semantics.epubType ? {'epub:type': semantics.epubType, ...role} : undefined
  const heading = options.byTitle ? undefined : chapter.tree.children.find((node): node is Element => node.type === 'element' && headingRank(node) !== undefined)
  return h(
    'section',
    {
      ...typed,
      className: chapter.type === 'chapter' ? ['chapter'] : ['chapter', chapter.type],
      ...(typed ? {} : role),
      ...(heading?.properties.id ? {ariaLabelledBy: String(heading.properties.id)} : {ariaLabel: chapter.title})
    },
    content
  )
}
