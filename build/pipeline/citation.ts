/**
 * The recommended citation of a work, made once from its metadata in the
 * theme's house style (Chicago unless the theme says APA), in the work's
 * language (docs/decisions/0012-recommended-citation.md).
 *
 * The metadata becomes a CSL-JSON item, the input of every CSL processor
 * (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html), and
 * citeproc-js writes its bibliography entry with the CSL style and locale
 * Folio ships (templates/csl/): `citeprocCitation`. `formatCitation`, a
 * small formatter of Folio's own written before citeproc-js was in Folio,
 * stands behind the same interface (item, style and locale in, text and
 * HTML out) and is kept for a style or language the shipped CSL files do
 * not have.
 */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {ElementContent, Root} from 'hast'
import * as htmlWriter from 'hast-util-to-html'
import {toString} from 'hast-util-to-string'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import type {Citation, Contributor, Metadata} from '../document/document.ts'
import type {CitationStyle} from '../document/theme.ts'
import {machineDate, writtenDate} from '../document/written-date.ts'
import {citeproc, cslLocale, cslLocaleTag, shippedStyle} from '../read/citation-style.ts'
import {cacheFolder, requireFromProject} from '../project.ts'
import type {Strings} from '../strings.ts'
import {quoteStyleFor} from '../transform/typography.ts'
import {keepInCache} from '../write-whole.ts'

export interface CslName {
  family?: string
  given?: string
  /** An organisation, or a name that cannot be split. */
  literal?: string
}

/** The CSL-JSON fields Folio fills. */
export interface CslItem {
  id: string
  type: 'report' | 'book'
  title: string
  author?: CslName[]
  editor?: CslName[]
  publisher?: string
  'publisher-place'?: string
  'collection-title'?: string
  'collection-number'?: string
  number?: string
  issued?: {'date-parts': number[][]}
  DOI?: string
  URL?: string
  ISBN?: string
  language: string
}

export interface CitationLocale {
  lang: string
  strings: Strings
}

/** The narrow interface a CSL processor will replace: item, style and locale in; text and HTML out. */
export type CitationFormatter = (item: CslItem, style: CitationStyle, locale: CitationLocale) => {text: string; html: string}

/** Particles that belong to the family name: "Ludwig van Beethoven" is cited as "Beethoven, Ludwig van" in Chicago, "van Beethoven" kept together here. */
const particles = new Set(['van', 'von', 'de', 'der', 'den', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'ter', 'ten', 'bin', 'ibn', 'al'])

/** A name as CSL wants it: `Doe, Jane` and `Jane Doe` are both family Doe, given Jane. */
export function cslName(name: string): CslName {
  if (name.includes(',')) {
    const [family, given] = name.split(',', 2).map((part) => part.trim())
    return given ? {family: family!, given} : {literal: name}
  }
  const words = name.trim().split(/\s+/)
  if (words.length === 1) return {literal: name}
  let start = words.length - 1
  while (start > 1 && particles.has(words[start - 1]!.toLowerCase())) start--
  return {family: words.slice(start).join(' '), given: words.slice(0, start).join(' ')}
}

/** "Lindenfeld Policy Briefs, No. 7" → the series and its number. */
export function seriesParts(series: string): {title: string; number?: string} {
  const match = /^(.*?)[,;]?\s+(?:no\.?|nr\.?|number|№|#|vol\.?)\s*([\w.-]+)$/i.exec(series.trim())
  return match ? {title: match[1]!, number: match[2]!} : {title: series}
}

/** The work as a CSL-JSON item. */
export function cslItem(metadata: Metadata, kind: 'report' | 'book'): CslItem {
  const names = (role: string) => metadata.contributors.filter((contributor: Contributor) => contributor.role === role).map((contributor) => cslName(contributor.name))
  const series = metadata.series ? seriesParts(metadata.series) : undefined
  const date = metadata.date ? machineDate(metadata.date)?.split('-').map(Number) : undefined
  const item: CslItem = {id: metadata.identifier, type: kind, title: [metadata.title, metadata.subtitle].filter(Boolean).join(': '), language: metadata.lang}
  const authors = names('aut')
  const editors = names('edt')
  if (authors.length > 0) item.author = authors
  if (editors.length > 0) item.editor = editors
  if (metadata.publisher) item.publisher = metadata.publisher
  if (metadata.publisherPlace) item['publisher-place'] = metadata.publisherPlace
  if (series) item['collection-title'] = series.title
  if (series?.number) item['collection-number'] = series.number
  if (metadata.reportNumber) item.number = metadata.reportNumber
  if (date) item.issued = {'date-parts': [date]}
  if (metadata.doi) item.DOI = metadata.doi
  if (metadata.url) item.URL = metadata.url
  if (metadata.isbn) item.ISBN = metadata.isbn
  return item
}

/** Folio's own formatter for a report or a book, in Chicago (notes and bibliography, its bibliography entry) or APA 7. */
export const formatCitation: CitationFormatter = (item, style, locale) => {
  const pieces = style === 'apa' ? apa(item, locale) : chicago(item, locale)
  return {
    text: pieces.map((piece) => piece.text).join(''),
    html: pieces.map((piece) => (piece.italic ? `<i>${escape(piece.text)}</i>` : piece.href ? `<a href="${escape(piece.href)}">${escape(piece.text)}</a>` : escape(piece.text))).join('')
  }
}

interface Piece {
  text: string
  italic?: boolean
  href?: string
}

/** Chicago 17, 14.220 and 14.100: Family, Given, and Given Family. “Title: Subtitle.” Series, no. 7. Place: Publisher, Month Year. https://doi.org/…. */
function chicago(item: CslItem, {lang, strings}: CitationLocale): Piece[] {
  const people = item.author ?? []
  const names = people.map((name, index) => (index === 0 ? inverted(name) : direct(name)))
  // English sets a comma before the last "and" (the first name is inverted and has one); other languages do not.
  const english = /^en\b/i.test(lang)
  const byline = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')}${english ? ',' : ''} ${strings.citationAnd} ${names.at(-1)}`
  const style = quoteStyleFor(lang)
  const [open, close] = style.primary
  const space = style.french ? '\u202F' : ''
  // American usage puts the period inside the quotation marks; other languages outside.
  const inside = /^en(-US)?$/i.test(lang)
  const title = `${open}${space}${item.title}${inside ? '.' : ''}${space}${close}${inside ? '' : '.'}`
  const series = item['collection-title'] ? `${item['collection-title']}${item['collection-number'] ? `, ${strings.citationNumber} ${item['collection-number']}` : ''}` : undefined
  const number = item.number && !item['collection-number'] ? `${strings.reportNumber} ${item.number}` : undefined
  const date = issued(item, lang, strings)
  const published = [item['publisher-place'] && item.publisher ? `${item['publisher-place']}: ${item.publisher}` : item.publisher, date].filter(Boolean).join(', ')
  const link = item.DOI ? `https://doi.org/${item.DOI}` : item.URL
  // Each part ends with a period, unless it ends with one already ("р.", "Jr.").
  const sentence = (part: string | undefined) => (part ? (part.endsWith('.') ? part : `${part}.`) : undefined)
  const sentences = [sentence(byline), title, sentence(series), sentence(number), sentence(published)].filter(Boolean)
  return [{text: sentences.join(' ')}, ...(link ? [{text: ' '}, {text: link, href: link}, {text: '.'}] : [])]
}

/** APA 7, 10.4: Family, G., & Family, G. (Year, Month Day). *Title: Subtitle* (Series No. 7). Publisher. https://doi.org/… */
function apa(item: CslItem, {lang}: CitationLocale): Piece[] {
  const people = (item.author ?? []).map((name) => (name.literal ? name.literal : `${name.family}, ${initials(name.given ?? '')}`))
  const byline = people.length <= 1 ? people.join('') : `${people.slice(0, -1).join(', ')}, & ${people.at(-1)}`
  const [year, month, day] = item.issued?.['date-parts'][0] ?? []
  const when = year === undefined ? 'n.d.' : month === undefined ? String(year) : `${year}, ${new Intl.DateTimeFormat(lang, {month: 'long', timeZone: 'UTC'}).format(new Date(Date.UTC(year, month - 1, 1)))}${day ? ` ${day}` : ''}`
  const series = item['collection-title'] ? `${item['collection-title']}${item['collection-number'] ? ` No. ${item['collection-number']}` : ''}` : item.number
  const link = item.DOI ? `https://doi.org/${item.DOI}` : item.URL
  return [
    {text: `${byline ? `${byline} ` : ''}(${when}). `},
    {text: item.title, italic: true},
    {text: `${series ? ` (${series})` : ''}.${item.publisher ? ` ${item.publisher}.` : ''}`},
    ...(link ? [{text: ' '}, {text: link, href: link}] : [])
  ]
}

function inverted(name: CslName): string {
  return name.literal ?? `${name.family}, ${name.given}`
}

function direct(name: CslName): string {
  return name.literal ?? `${name.given} ${name.family}`
}

function initials(given: string): string {
  return given.split(/\s+/).filter(Boolean).map((part) => part.split('-').map((piece) => `${piece[0]!.toUpperCase()}.`).join('-')).join(' ')
}

/** The date as the work's language writes it (its house style for the day). */
function issued(item: CslItem, lang: string, strings: Strings): string | undefined {
  const parts = item.issued?.['date-parts'][0]
  if (!parts) return undefined
  return writtenDate(parts.map((part, index) => String(part).padStart(index === 0 ? 4 : 2, '0')).join('-'), lang, strings.date)
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/**
 * The work's recommended citation: the manuscript's own (`citation:`), else
 * one made in the theme's style, for a work that names an author or a
 * publisher; else none.
 */
export function recommendedCitation(metadata: Metadata, options: {style: CitationStyle; kind: 'report' | 'book'; strings: Strings}, formatter: CitationFormatter = keptCitation): Citation | undefined {
  if (metadata.citation) return {style: 'manuscript', text: metadata.citation, content: [{type: 'text', value: metadata.citation}]}
  if (metadata.authors.length === 0 && !metadata.publisher) return undefined
  const {text, html} = formatter(cslItem(metadata, options.kind), options.style, {lang: metadata.lang, strings: options.strings})
  const tree = unified().use(rehypeParse, {fragment: true}).parse(html) as Root
  return {style: options.style, text, content: tree.children as ElementContent[]}
}

/** The CSL style Folio ships for each house style: the bibliography entry is the citation. */
const cslStyles: Record<CitationStyle, string> = {chicago: 'chicago-notes-bibliography', apa: 'apa'}

/**
 * citeproc-js's bibliography entry for the item, in the shipped CSL style
 * and the shipped locale nearest the work's language (en-US, en-GB, uk-UA,
 * de-DE, fr-FR; another language falls back to Folio's own formatter,
 * which has its words from templates/strings/).
 */
export const citeprocCitation: CitationFormatter = (item, style, locale) => {
  const setting = citeprocSetting(style, locale.lang)
  return (setting && citeprocEntry(item, setting)) ?? formatCitation(item, style, locale)
}

/** The shipped CSL style and the locale tag citeproc-js gets; undefined when Folio's own formatter writes the citation. */
function citeprocSetting(style: CitationStyle, lang: string): {xml: string; tag: string} | undefined {
  const tag = cslLocaleTag(lang)
  const xml = shippedStyle(cslStyles[style])?.xml
  return xml && tag.split('-')[0] === new Intl.Locale(lang).language ? {xml, tag} : undefined
}

/** What names a citeproc-js entry: the item, the style, the locales and citeproc-js's version. */
export function citationKey(item: CslItem, style: CitationStyle, lang: string): string | undefined {
  const setting = citeprocSetting(style, lang)
  if (!setting) return undefined
  return createHash('sha256')
    .update(JSON.stringify([item, setting.xml, setting.tag, cslLocale(setting.tag), cslLocale('en-US'), citeprocVersion()]))
    .digest('hex')
}

/**
 * `citeprocCitation`, from this process (`made`), the kept citations, or
 * citeproc-js: the recommended citation of every build.
 */
export function keptCitation(item: CslItem, style: CitationStyle, locale: CitationLocale, made = citations): {text: string; html: string} {
  const key = citationKey(item, style, locale.lang)
  if (!key) return formatCitation(item, style, locale)
  let entry = made.get(key) ?? keptFile(key)
  if (!entry) {
    entry = citeprocEntry(item, citeprocSetting(style, locale.lang)!)
    if (!entry) return formatCitation(item, style, locale)
    // Not waited for: the build goes on while it is written.
    void keepInCache(path.join(citationCache, `${key}.json`), new TextEncoder().encode(JSON.stringify(entry)), 'the cache of citations')
  }
  made.set(key, entry)
  return entry
}

/** Citations made in this process, by the key of the kept ones. */
const citations = new Map<string, {text: string; html: string}>()

/**
 * Citations already made, kept beside the font subsets: citeproc-js reads
 * the whole CSL style to make its engine, 2 to 5 seconds for Chicago on two
 * cores, on every build and every rebuild of a work that names an author.
 * The key is the item, the style, the locales and citeproc-js's version, so
 * a kept citation is the one citeproc-js would make now.
 */
export const citationCache = cacheFolder('citations')

let keptVersion: string | undefined
function citeprocVersion(): string {
  return (keptVersion ??= (JSON.parse(readFileSync(requireFromProject.resolve('citeproc/package.json'), 'utf8')) as {version: string}).version)
}

function keptFile(key: string): {text: string; html: string} | undefined {
  try {
    const kept = JSON.parse(readFileSync(path.join(citationCache, `${key}.json`), 'utf8')) as unknown
    // A file cut short does not parse; one of another shape is not used.
    if (kept && typeof kept === 'object' && 'text' in kept && 'html' in kept && typeof kept.text === 'string' && typeof kept.html === 'string') return {text: kept.text, html: kept.html}
  } catch {
    // Not kept, or not readable: made again.
  }
  return undefined
}

/** The item's entry in citeproc-js's bibliography, as text and HTML; undefined when it makes none. */
function citeprocEntry(item: CslItem, {xml, tag}: {xml: string; tag: string}): {text: string; html: string} | undefined {
  const engine = new (citeproc().Engine)({retrieveLocale: (lang) => cslLocale(lang), retrieveItem: (id) => (id === item.id ? {...item} : undefined)}, xml, tag, true)
  // DOIs and addresses as links, as in the work's bibliography.
  engine.opt.development_extensions.wrap_url_and_doi = true
  engine.updateItems([item.id])
  const bibliography = engine.makeBibliography()
  const entry = bibliography ? bibliography[1][0] : undefined
  if (!entry) return undefined
  // The entry's own <div class="csl-entry"> goes; its content is the citation.
  const tree = unified().use(rehypeParse, {fragment: true}).parse(entry.trim()) as Root
  const div = tree.children.find((node) => node.type === 'element')
  const content = div && div.type === 'element' ? div.children : tree.children
  const fragment: Root = {type: 'root', children: content as Root['children']}
  const {toHtml} = htmlWriter
  return {text: toString(fragment).replace(/\s+/g, ' ').trim(), html: toHtml(fragment).trim()}
}
