/**
 * The HTML edition: one standalone page (fonts and images inside it), from
 * templates/html/page.html and the shared stylesheets.
 */
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
import {chapterSection, contributorLines} from './imprint.ts'
import {stylesheet, workStylesheets} from './stylesheets.ts'
import {fillTemplate, loadTemplate} from './template.ts'
import {fontBytes} from './shipped-fonts.ts'
import {fontFaceRules, fontFilesFor} from './typefaces.ts'
import {version} from '../project.ts'

const serializer = unified().use(rehypeStringify).freeze()

/** The HTML edition of a Document, as text. */
export function buildHtmlEdition({document, settings, siblings}: Pick<EditionContext, 'document' | 'settings' | 'siblings'>): string {
  const {metadata} = document
  const {strings} = settings
  const styles: Text = {type: 'text', value: ''}
  const contents = contentsOf(document)
  const page = fillTemplate(
    loadTemplate('html/page.html'),
    {
      lang: metadata.lang,
      dir: metadata.dir,
      title: metadata.title,
      subtitle: metadata.subtitle,
      series: metadata.series,
      contributors: contributorLines(metadata, strings).map((line) => h('p', line)),
      edition: [metadata.edition, metadata.date].filter(Boolean).join(' · ') || undefined,
      abstract: metadata.abstract,
      description: metadata.description ?? metadata.abstract,
      keywords: metadata.subjects.join(', ') || undefined,
      authors: metadata.authors.join(', ') || undefined,
      generator: `Folio ${version}`,
      ogType: document.chapters.length > 1 ? 'book' : 'article',
      ogLocale: openGraphLocale(metadata.lang),
      jsonLd: jsonLd(document),
      styles: [styles],
      skipToText: strings.skipToText,
      downloadsLabel: strings.downloads,
      downloads: downloadLinks(siblings, strings),
      contents: strings.contents,
      toc: countContents(contents) > 1 ? tocItems(contents) : undefined,
      text: text(document, strings),
      // The header has the series, edition and date; the foot of the page, the rest of the imprint.
      colophon: [metadata.rights, metadata.isbn ? `${strings.isbn} ${metadata.isbn}` : undefined, metadata.publisher]
        .filter((line): line is string => Boolean(line))
        .map((line) => h('p', line))
    },
    'html/page.html'
  )
  // Fonts are chosen from the finished page: only faces and scripts it uses.
  const fonts = fontFaceRules(fontFilesFor(page), (file) => dataUri('font/woff2', fontBytes(file.file)))
  styles.value = [fonts, stylesheet('base'), stylesheet('screen'), `@media print {\n${stylesheet('print')}\n}`, ...workStylesheets(document)].join('\n')
  return serializer.stringify(page)
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

/** schema.org facts for search engines and link previews; only what the manuscript says. */
function jsonLd(document: Document): string {
  const {metadata} = document
  const facts: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': document.chapters.length > 1 ? 'Book' : 'Article',
    name: metadata.title,
    headline: metadata.title,
    alternativeHeadline: metadata.subtitle,
    description: metadata.description,
    inLanguage: metadata.lang,
    keywords: metadata.subjects.length > 0 ? metadata.subjects.join(', ') : undefined,
    identifier: metadata.identifier,
    author: metadata.authors.length > 0 ? metadata.authors.map((name) => ({'@type': 'Person', name})) : undefined,
    editor: people(metadata, 'edt'),
    translator: people(metadata, 'trl'),
    illustrator: people(metadata, 'ill'),
    abstract: metadata.abstract,
    isbn: metadata.isbn,
    bookEdition: metadata.edition,
    publisher: metadata.publisher ? {'@type': 'Organization', name: metadata.publisher} : undefined,
    datePublished: metadata.date,
    copyrightNotice: metadata.rights
  }
  // `<` written as \u003c so that no text can close the script element.
  return JSON.stringify(facts, undefined, 2).replace(/</g, '\\u003c')
}

function people(metadata: Document['metadata'], role: string): Array<{'@type': 'Person'; name: string}> | undefined {
  const named = metadata.contributors.filter((contributor) => contributor.role === role)
  return named.length > 0 ? named.map((contributor) => ({'@type': 'Person', name: contributor.name})) : undefined
}

/** Open Graph wants `en_US`; a tag without a region has no Open Graph locale. */
function openGraphLocale(lang: string): string | undefined {
  const locale = new Intl.Locale(lang)
  return locale.region ? `${locale.language}_${locale.region}` : undefined
}

function dataUri(mediaType: string, bytes: Uint8Array): string {
  return `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`
}
