/**
 * The facts about a work that its masthead, title page, copyright page,
 * closing sections and the HTML page's header and footer show, worded once
 * for every edition: the byline with affiliations, the date written out,
 * about the authors, the recommended citation, rights and licence, the
 * disclaimer and the imprint. Also the semantics of each kind of chapter
 * (ARIA role, EPUB type, and whether it is front, body or back matter),
 * with the section every edition wraps a chapter of several in.
 */
import type {Element, ElementContent} from 'hast'
import {headingRank} from 'hast-util-heading-rank'
import {h} from 'hastscript'
import type {Chapter, ChapterType, Contributor, Document, Metadata} from '../document/document.ts'
import type {ClosingSection, Logo, ThemeImage} from '../document/theme.ts'
import {machineDate, writtenDate} from '../document/written-date.ts'
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

/**
 * The byline: with affiliations, one author a line ("Jane Doe, Lindenfeld
 * Institute"); without, the authors on one line; then a line per other role.
 */
export function byline(metadata: Metadata, strings: Strings): Element[] {
  const authors = metadata.contributors.filter((contributor) => contributor.role === 'aut')
  if (!authors.some((author) => author.affiliations.length > 0)) return contributorLines(metadata, strings).map((line) => h('p', line))
  const others = contributorLines({...metadata, contributors: metadata.contributors.filter((contributor) => contributor.role !== 'aut')}, strings)
  return [
    ...authors.map((author) =>
      h('p', [
        h('span', {className: ['name']}, author.name),
        ...(author.affiliations.length > 0 ? [h('span', {className: ['affiliation']}, `, ${author.affiliations.join('; ')}`)] : [])
      ])
    ),
    ...others.map((line) => h('p', line))
  ]
}

/** The publication date for readers ("March 2023") and for machines (`2023-03-01`), when the manuscript gives one. */
export function publicationDate(metadata: Metadata, strings: Strings): {text: string; machine: string} | undefined {
  if (!metadata.date) return undefined
  const text = writtenDate(metadata.date, metadata.lang, strings.date)
  const machine = machineDate(metadata.date)
  return text && machine ? {text, machine} : undefined
}

/** The date as `<time>`, for a slot. */
export function dateElement(metadata: Metadata, strings: Strings): ElementContent[] | undefined {
  const date = publicationDate(metadata, strings)
  return date ? [h('time', {dateTime: date.machine}, date.text)] : undefined
}

/** The logo as an image: its `src` from the edition (a data: URI, a file of the book, an address of the print page's site). */
export function logoImage(logo: Logo | undefined, metadata: Metadata, source: (image: ThemeImage) => string): Element | undefined {
  if (!logo) return undefined
  return h('img', {className: ['logo'], src: source(logo.light), alt: logoAlt(logo, metadata), ...size(logo.light)})
}

/** The logo's text alternative: the theme's, else the publisher's name, else its series. */
export function logoAlt(logo: Logo, metadata: Metadata): string {
  return logo.alt || metadata.publisher || metadata.series || ''
}

function size(image: ThemeImage): {width?: number; height?: number} {
  return image.width && image.height ? {width: image.width, height: image.height} : {}
}

/** "DOI 10.5555/…" as a link to its resolver. */
export function doiLink(doi: string): Element {
  const address = `https://doi.org/${doi}`
  return h('a', {href: address}, address)
}

/** "This work is licensed under Creative Commons Attribution 4.0 International (CC-BY-4.0).", its name linked. */
export function licenseSentence(metadata: Metadata, strings: Strings): ElementContent[] | undefined {
  const license = metadata.license
  if (!license) return undefined
  const named: ElementContent[] = 'name' in license ? [h('a', {href: license.url, rel: 'license'}, license.name), {type: 'text', value: ` (${license.id})`}] : [{type: 'text', value: license.id}]
  const [before, after = ''] = strings.licensedUnder.split('{license}')
  return [{type: 'text', value: before!}, ...named, {type: 'text', value: after}]
}

/** The publisher and where it is: "Lindenfeld Institute, Lviv". */
export function publisherLine(metadata: Metadata): string | undefined {
  return metadata.publisher ? [metadata.publisher, metadata.publisherPlace].filter(Boolean).join(', ') : undefined
}

/** A work has an imprint when it names a publisher, rights, an ISBN, an edition, a series, a licence, a DOI or a report number. */
export function hasImprint(metadata: Metadata): boolean {
  return Boolean(metadata.publisher || metadata.rights || metadata.isbn || metadata.edition || metadata.series || metadata.license || metadata.doi || metadata.reportNumber)
}

/**
 * Whether a work opens with a book's title page (and copyright page) or a
 * brief's title block (docs/decisions/0011-layouts.md). A brief never does,
 * whatever it names; a book does when it has an imprint, and in the EPUB
 * when it has chapters (its reading system shows the title page first).
 */
export function opensWithTitlePage(document: Pick<Document, 'layout' | 'metadata' | 'chapters'>, edition: 'pdf' | 'epub'): boolean {
  if (document.layout.kind === 'brief') return false
  return hasImprint(document.metadata) || (edition === 'epub' && document.chapters.length > 1)
}

/** The lines of a copyright page, in the usual order; a line is text, or text with a link. */
export function imprintLines(metadata: Metadata, strings: Strings): Array<string | ElementContent[]> {
  const date = publicationDate(metadata, strings)
  return [
    metadata.series,
    metadata.edition,
    date ? `${strings.published} ${date.text}` : undefined,
    metadata.rights,
    licenseSentence(metadata, strings),
    metadata.isbn ? `${strings.isbn} ${metadata.isbn}` : undefined,
    metadata.reportNumber ? `${strings.reportNumber} ${metadata.reportNumber}` : undefined,
    metadata.doi ? [{type: 'text' as const, value: `${strings.doi} `}, doiLink(metadata.doi)] : undefined,
    publisherLine(metadata),
    metadata.url ? [h('a', {href: metadata.url}, metadata.url)] : undefined
  ].filter((line): line is string | ElementContent[] => line !== undefined && line !== '')
}

export interface ClosingOptions {
  /** Only these sections, in the theme's order (default: all of the theme's). */
  only?: ClosingSection[]
  /** The level of the sections' headings. */
  heading?: 'h2' | 'h3'
}

/**
 * The sections that close a brief and the HTML page, in the theme's order,
 * each only when the work has something for it: about the authors (their
 * biographies, ORCID iDs, addresses), the recommended citation, rights and
 * licence, the disclaimer, and the publisher's imprint.
 */
export function closingSections(document: Document, strings: Strings, options: ClosingOptions = {}): Element[] {
  const {metadata} = document
  const heading = options.heading ?? 'h2'
  const order = document.theme.closing.filter((section) => !options.only || options.only.includes(section))
  const sections: Element[] = []
  for (const section of order) {
    if (section === 'about-the-authors') {
      const people = metadata.contributors.filter((contributor) => contributor.bio)
      if (people.length === 0) continue
      sections.push(
        h('section', {className: ['about-the-authors'], ariaLabelledBy: 'folio-about-the-authors'}, [
          h(heading, {id: 'folio-about-the-authors'}, people.length === 1 ? strings.aboutTheAuthor : strings.aboutTheAuthors),
          ...people.flatMap((person) => biography(person, strings))
        ])
      )
    } else if (section === 'citation') {
      if (!document.citation) continue
      sections.push(
        h('section', {className: ['recommended-citation'], ariaLabelledBy: 'folio-citation'}, [
          h(heading, {id: 'folio-citation'}, strings.recommendedCitation),
          h('p', {className: ['citation']}, document.citation.content)
        ])
      )
    } else if (section === 'rights') {
      const license = licenseSentence(metadata, strings)
      if (!metadata.rights && !license) continue
      sections.push(h('section', {className: ['rights']}, [metadata.rights ? h('p', metadata.rights) : undefined, license ? h('p', license) : undefined]))
    } else if (section === 'disclaimer') {
      if (metadata.disclaimer) sections.push(h('section', {className: ['disclaimer']}, [h('p', metadata.disclaimer)]))
    } else {
      const lines = [
        publisherLine(metadata),
        metadata.reportNumber ? `${strings.reportNumber} ${metadata.reportNumber}` : undefined,
        metadata.isbn ? `${strings.isbn} ${metadata.isbn}` : undefined,
        metadata.doi ? [{type: 'text' as const, value: `${strings.doi} `}, doiLink(metadata.doi)] : undefined,
        metadata.url ? [h('a', {href: metadata.url}, metadata.url)] : undefined
      ].filter((line) => line !== undefined) as Array<string | ElementContent[]>
      if (lines.length > 0) sections.push(h('section', {className: ['imprint']}, lines.map((line) => h('p', line))))
    }
  }
  return sections
}

/** A person's biography, the name set apart when the biography starts with it; then their ORCID iD and addresses. */
function biography(person: Contributor, strings: Strings): Element[] {
  const bio = person.bio!
  const text: ElementContent[] = bio.startsWith(person.name)
    ? [h('strong', person.name), {type: 'text', value: bio.slice(person.name.length)}]
    : [h('strong', person.name), {type: 'text', value: /^\p{Ll}/u.test(bio) ? ` ${bio}` : `. ${bio}`}]
  const contact: ElementContent[] = []
  const add = (...nodes: ElementContent[]) => contact.push(...(contact.length > 0 ? [{type: 'text' as const, value: ' · '}] : []), ...nodes)
  if (person.orcid) add({type: 'text', value: `${strings.orcid} `}, h('a', {href: `https://orcid.org/${person.orcid}`}, person.orcid))
  if (person.email) add(h('a', {href: `mailto:${person.email}`}, person.email))
  if (person.url) add(h('a', {href: person.url}, person.url.replace(/^https?:\/\//, '').replace(/\/$/, '')))
  return [h('p', {className: ['bio']}, text), ...(contact.length > 0 ? [h('p', {className: ['contact']}, contact)] : [])]
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
