/**
 * The HTML edition: one standalone page (fonts and images inside it), from
 * templates/html/page.html and the shared stylesheets.
 */
import {randomUUID} from 'node:crypto'
import type {Element, ElementContent, Root, Text} from 'hast'
import {h} from 'hastscript'
import rehypeStringify from 'rehype-stringify'
import {unified} from 'unified'
import {SKIP, visit} from 'unist-util-visit'
import {toString} from 'hast-util-to-string'
import {contentsOf, countContents, partOpenedBy, type ContentsEntry} from '../document/contents.ts'
import type {Document} from '../document/document.ts'
import type {Strings} from '../strings.ts'
import type {EditionContext} from './edition.ts'
import {byline, chapterSection, closingSections, dateElement, logoAlt} from './imprint.ts'
import {workStylesheets} from './stylesheets.ts'
import {fillTemplate, loadTemplate} from './template.ts'
import {embeddedFontBytes} from './fonts.ts'
import {screenStyles} from './theme-styles.ts'
import {coverExtension, coverImage} from './epub/cover.ts'
import type {EditionFile} from './edition.ts'
import {fontFaceRules, fontFilesFor} from './typefaces.ts'
import {machineDate} from '../document/written-date.ts'
import {firstElement} from '../document/first-element.ts'
import {version} from '../project.ts'

const serializer = unified().use(rehypeStringify).freeze()

/** The HTML edition of a Document, as text. */
export async function buildHtmlEdition({document, settings, siblings}: Pick<EditionContext, 'document' | 'settings' | 'siblings'>): Promise<string> {
  const {metadata, theme} = document
  const {strings} = settings
  const styles: Text = {type: 'text', value: ''}
  const contents = contentsOf(document)
  const logo = logoPicture(document)
  const body = text(document, strings)
  const page = fillTemplate(
    loadTemplate('html/page.html', theme),
    {
      lang: metadata.lang,
      dir: metadata.dir,
      title: metadata.title,
      subtitle: metadata.subtitle,
      masthead: logo || metadata.series || metadata.reportNumber ? 'yes' : undefined,
      logo: logo ? [logo] : undefined,
      series: metadata.series,
      reportNumber: metadata.reportNumber ? `${strings.reportNumber} ${metadata.reportNumber}` : undefined,
      contributors: byline(metadata, strings),
      date: dateElement(metadata, strings),
      edition: metadata.edition,
      abstract: metadata.abstract,
      description: metadata.description ?? metadata.abstract,
      keywords: metadata.subjects.join(', ') || undefined,
      authors: metadata.authors.join(', ') || undefined,
      generator: `Folio ${version}`,
      ogType: document.chapters.length > 1 ? 'book' : 'article',
      ogLocale: openGraphLocale(metadata.lang),
      canonical: metadata.url,
      ogImage: openGraphImage(document)?.url,
      ogImageAlt: strings.coverAlt.replace('{title}', metadata.title),
      citationMeta: citationMeta(document),
      jsonLd: jsonLd(document),
      styles: [styles],
      skipToText: strings.skipToText,
      downloadsLabel: strings.downloads,
      downloads: downloadLinks(siblings, strings),
      contents: strings.contents,
      toc: countContents(contents) > 1 ? tocItems(contents) : undefined,
      text: body,
      // The header has the masthead, byline and date; the foot of the page, the closing sections.
      colophon: closingSections(document, strings)
    },
    'html/page.html'
  )
  // Fonts are chosen from the finished page: only faces and scripts it uses (a theme's, subset to its characters).
  const files = fontFilesFor(page, theme)
  const bytes = await Promise.all(files.map((file) => embeddedFontBytes(file)))
  const fonts = fontFaceRules(files, (file) => ({url: dataUri('font/woff2', bytes[files.indexOf(file)]!), format: 'woff2'}))
  styles.value = [fonts, screenStyles(theme, workStylesheets(document))].join('\n')
  return serializeWithText(page, body)
}

/**
 * The page as HTML, its text serialised on its own and put in its place: the
 * same characters, but a long work's text is not copied again into the
 * string of every element around it (on the 50x work, 60 ms became 20).
 * A template that puts the text anywhere but in one element's content is
 * serialised as one.
 */
function serializeWithText(page: Root, body: ElementContent[]): string {
  const holder = firstElement(page, (node) => node.children === body)
  if (!holder) return serializer.stringify(page)
  // A name no manuscript can know, so that it is found only where it was put.
  const mark = `folio-text-${randomUUID()}`
  holder.children = [{type: 'comment', value: mark}]
  const html = serializer.stringify(page)
  holder.children = body
  const at = html.indexOf(`<!--${mark}-->`)
  return html.slice(0, at) + serializer.stringify({type: 'root', children: body}) + html.slice(at + mark.length + 7)
}

/**
 * The Open Graph image (https://ogp.me/#metadata): the cover, as a file
 * beside the page, `<slug>.cover.jpg` (`.png` for a PNG cover the manuscript
 * names). Only for a work with a canonical address (front matter `url`):
 * og:image must be an absolute URL, and the page's own address is the only
 * one Folio knows; the file's is resolved against it.
 */
export function openGraphImage(document: Document): {fileName: string; url: string} | undefined {
  const address = document.metadata.url
  if (!address) return undefined
  const fileName = `${document.slug}.cover.${coverExtension(document)}`
  return {fileName, url: new URL(encodeURIComponent(fileName), address).href}
}

/** The files the HTML page needs beside it: its Open Graph image, when it has one. */
export async function htmlCompanions({document, browser}: Pick<EditionContext, 'document' | 'browser'>): Promise<EditionFile[]> {
  const image = openGraphImage(document)
  if (!image) return []
  return [{fileName: image.fileName, bytes: (await coverImage(document, browser)).bytes, what: 'the Open Graph image'}]
}

/** The theme's logo, with its dark-mode version when the theme has one. */
function logoPicture(document: Document): Element | undefined {
  const logo = document.theme.logo
  if (!logo) return undefined
  const image = h('img', {className: ['logo'], src: dataUri(logo.light.mediaType, logo.light.bytes), alt: logoAlt(logo, document.metadata), ...(logo.light.width ? {width: logo.light.width, height: logo.light.height} : {})})
  if (!logo.dark) return image
  return h('picture', [h('source', {srcSet: dataUri(logo.dark.mediaType, logo.dark.bytes), media: '(prefers-color-scheme: dark)'}), image])
}

/**
 * The tags Google Scholar and reference managers read
 * (https://scholar.google.com/intl/en/scholar/inclusion.html#indexing):
 * for a work that names its authors.
 */
function citationMeta(document: Document): ElementContent[] {
  const {metadata} = document
  const authors = metadata.contributors.filter((contributor) => contributor.role === 'aut')
  if (authors.length === 0) return []
  const meta = (name: string, content: string | undefined): Element[] => (content ? [h('meta', {name, content})] : [])
  const date = metadata.date ? machineDate(metadata.date)?.replace(/-/g, '/') : undefined
  return [
    ...meta('citation_title', [metadata.title, metadata.subtitle].filter(Boolean).join(': ')),
    ...authors.flatMap((author) => [
      ...meta('citation_author', author.name),
      ...author.affiliations.flatMap((affiliation) => meta('citation_author_institution', affiliation)),
      ...meta('citation_author_orcid', author.orcid ? `https://orcid.org/${author.orcid}` : undefined),
      ...meta('citation_author_email', author.email)
    ]),
    ...meta('citation_publication_date', date),
    ...meta('citation_publisher', metadata.publisher),
    ...(metadata.reportNumber ? [...meta('citation_technical_report_institution', metadata.publisher), ...meta('citation_technical_report_number', metadata.reportNumber)] : []),
    ...meta('citation_series_title', metadata.series),
    ...meta('citation_doi', metadata.doi),
    ...meta('citation_isbn', metadata.isbn),
    ...meta('citation_language', metadata.lang),
    ...meta('citation_keywords', metadata.subjects.join('; ') || undefined),
    ...meta('citation_abstract_html_url', metadata.url)
  ].flatMap((element) => [element, {type: 'text' as const, value: '\n'}])
}

function text(document: Document, strings: Strings): ElementContent[] {
  const chapters = document.chapters.map((chapter) => {
    const content = forScreen(chapter.tree, document, strings).children as ElementContent[]
    return document.chapters.length === 1 ? content : [chapterSection(chapter, content)]
  })
  // Parts hold their chapters, under the part's title.
  const result: ElementContent[] = []
  for (const [index, chapter] of document.chapters.entries()) {
    const part = partOpenedBy(document, index)
    if (part) {
      result.push(
        h('section', {className: ['part'], role: 'doc-part', ariaLabelledBy: part.id}, [
          h('h1', {className: ['part-title'], id: part.id}, part.title),
          ...part.chapters.flatMap((member) => chapters[member]!)
        ])
      )
    } else if (chapter.part === undefined) {
      for (const node of chapters[index]!) result.push(node)
    }
  }
  return result
}

/**
 * A chapter's tree for the page, when it needs changing (the Document is not
 * changed): images as data: URIs (large ones reduced) so that the page
 * stands alone; tables in a scrolling box, readable on a phone.
 */
function forScreen(tree: Root, document: Document, strings: Strings): Root {
  let needed = false
  visit(tree, 'element', (node) => {
    if (node.tagName === 'img' || node.tagName === 'table') needed = true
  })
  if (!needed) return tree
  const copy = structuredClone(tree)
  visit(copy, 'element', (node: Element, index, parent) => {
    if (node.tagName === 'table' && parent && index !== undefined) {
      const caption = node.children.find((child): child is Element => child.type === 'element' && child.tagName === 'caption')
      // A box that scrolls must be reachable by keyboard, and named (WCAG 2.1.1, 4.1.2).
      parent.children[index] = h('div', {className: ['table-scroll'], role: 'region', tabIndex: 0, ariaLabel: caption ? toString(caption) : strings.table}, [node])
      return SKIP
    }
    if (node.tagName !== 'img') return undefined
    const asset = document.assets.get(String(node.properties.src))
    if (!asset) return undefined
    // An image too large for a screen travels as its reduced copy.
    const image = asset.reduced ?? asset
    node.properties.src = dataUri(image.mediaType, image.bytes)
    if (asset.reduced) {
      node.properties.width = asset.reduced.width
      node.properties.height = asset.reduced.height
    }
    return undefined
  })
  return copy
}

function tocItems(entries: ContentsEntry[]): ElementContent[] {
  return entries.map((entry) =>
    h('li', entry.kind === 'heading' ? {} : {className: [`toc-${entry.kind}`]}, [
      h('a', {href: `#${entry.id}`}, entry.title),
      entry.children.length > 0 ? h('ol', tocItems(entry.children)) : undefined
    ])
  )
}

/** A link to each edition beside this one that offers itself for download (its descriptor says how). */
function downloadLinks(siblings: EditionContext['siblings'], strings: Strings): ElementContent[] {
  return siblings.flatMap(({edition, fileName}) =>
    edition.download
      ? [h('li', [h('a', {href: encodeURI(fileName), download: '', type: edition.mediaType, title: strings[edition.download.label]}, strings[edition.download.text])])]
      : []
  )
}

/**
 * The kind of work for schema.org: a book (of chapters), a report (a brief
 * with a publisher or a report number), a scholarly article (with a DOI),
 * else an article.
 */
function schemaType(document: Document): string {
  const {metadata} = document
  if (document.chapters.length > 1) return 'Book'
  if (metadata.reportNumber || metadata.publisher) return 'Report'
  return metadata.doi ? 'ScholarlyArticle' : 'Article'
}

/** schema.org facts for search engines and link previews; only what the manuscript says. */
function jsonLd(document: Document): string {
  const {metadata} = document
  const type = schemaType(document)
  const facts: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': type,
    name: metadata.title,
    headline: metadata.title,
    alternativeHeadline: metadata.subtitle,
    description: metadata.description,
    inLanguage: metadata.lang,
    keywords: metadata.subjects.length > 0 ? metadata.subjects.join(', ') : undefined,
    identifier: metadata.doi ? [metadata.identifier, {'@type': 'PropertyValue', propertyID: 'DOI', value: metadata.doi}] : metadata.identifier,
    sameAs: metadata.doi ? `https://doi.org/${metadata.doi}` : undefined,
    url: metadata.url,
    author: people(metadata, 'aut'),
    editor: people(metadata, 'edt'),
    translator: people(metadata, 'trl'),
    illustrator: people(metadata, 'ill'),
    abstract: metadata.abstract,
    isbn: metadata.isbn,
    bookEdition: metadata.edition,
    publisher: metadata.publisher ? {'@type': 'Organization', name: metadata.publisher, ...(metadata.publisherPlace ? {location: metadata.publisherPlace} : {})} : undefined,
    datePublished: metadata.date,
    copyrightNotice: metadata.rights,
    license: metadata.license ? ('url' in metadata.license ? metadata.license.url : metadata.license.id) : undefined,
    reportNumber: type === 'Report' ? metadata.reportNumber : undefined,
    isPartOf: metadata.series ? {'@type': 'CreativeWorkSeries', name: metadata.series} : undefined
  }
  // `<` written as \u003c so that no text can close the script element.
  return JSON.stringify(facts, undefined, 2).replace(/</g, '\\u003c')
}

/** People of a role, with their affiliations, ORCID iDs and addresses. */
function people(metadata: Document['metadata'], role: string): Array<Record<string, unknown>> | undefined {
  const named = metadata.contributors.filter((contributor) => contributor.role === role)
  if (named.length === 0) return undefined
  return named.map((contributor) => ({
    '@type': 'Person',
    name: contributor.name,
    ...(contributor.affiliations.length > 0 ? {affiliation: contributor.affiliations.map((name) => ({'@type': 'Organization', name}))} : {}),
    ...(contributor.orcid ? {identifier: `https://orcid.org/${contributor.orcid}`, sameAs: `https://orcid.org/${contributor.orcid}`} : {}),
    ...(contributor.email ? {email: contributor.email} : {}),
    ...(contributor.url ? {url: contributor.url} : {})
  }))
}

/** Open Graph wants `en_US`; a tag without a region has no Open Graph locale. */
function openGraphLocale(lang: string): string | undefined {
  const locale = new Intl.Locale(lang)
  return locale.region ? `${locale.language}_${locale.region}` : undefined
}

function dataUri(mediaType: string, bytes: Uint8Array): string {
  return `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`
}
