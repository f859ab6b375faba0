/**
 * The HTML edition: one standalone page (fonts and images inside it), from
 * templates/html/page.html and the shared stylesheets.
 */
import {readFileSync} from 'node:fs'
import type {Element, ElementContent, Root, Text} from 'hast'
import {h} from 'hastscript'
import rehypeStringify from 'rehype-stringify'
import {unified} from 'unified'
import {visit} from 'unist-util-visit'
import type {Document, TocEntry} from '../document/document.ts'
import {stringsFor, type Strings} from '../strings.ts'
import type {EditionContext} from './edition.ts'
import {stylesheet} from './stylesheets.ts'
import {fillTemplate, loadTemplate} from './template.ts'
import {fontFaceRules, fontFilesFor} from './typefaces.ts'
import {version} from '../project.ts'

const serializer = unified().use(rehypeStringify).freeze()

/** The HTML edition of a Document, as text. */
export function buildHtmlEdition({document, siblings}: Pick<EditionContext, 'document' | 'siblings'>): string {
  const {metadata} = document
  const strings = stringsFor(metadata.lang)
  const styles: Text = {type: 'text', value: ''}
  const page = fillTemplate(
    loadTemplate('html/page.html'),
    {
      lang: metadata.lang,
      dir: metadata.dir,
      title: metadata.title,
      subtitle: metadata.subtitle,
      description: metadata.description,
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
      toc: document.headingCount > 1 ? tocItems(document.toc) : undefined,
      text: text(document),
      colophon: [metadata.publisher, metadata.rights].filter(Boolean).join('. ') || undefined
    },
    'html/page.html'
  )
  // Fonts are chosen from the finished page: only faces and scripts it uses.
  const fonts = fontFaceRules(fontFilesFor(page), (file) => dataUri('font/woff2', readFileSync(file.file)))
  styles.value = [fonts, stylesheet('base'), stylesheet('screen'), `@media print {\n${stylesheet('print')}\n}`].join('\n')
  return serializer.stringify(page)
}

function text(document: Document): ElementContent[] {
  const inline = (tree: Root): ElementContent[] => embedAssets(tree, document).children as ElementContent[]
  if (document.chapters.length === 1) return inline(document.chapters[0]!.tree)
  return document.chapters.map((chapter) => h('section', {className: ['chapter']}, inline(chapter.tree)))
}

/** Images become data: URIs so that the page stands alone (large ones reduced); the Document is not changed. */
function embedAssets(tree: Root, document: Document): Root {
  if (document.assets.size === 0) return tree
  const copy = structuredClone(tree)
  visit(copy, 'element', (node: Element) => {
    if (node.tagName !== 'img') return
    const asset = document.assets.get(String(node.properties.src))
    if (!asset) return
    // An image too large for a screen travels as its reduced copy.
    const image = asset.reduced ?? asset
    node.properties.src = dataUri(image.mediaType, image.bytes)
    if (asset.reduced) {
      node.properties.width = asset.reduced.width
      node.properties.height = asset.reduced.height
    }
  })
  return copy
}

function tocItems(entries: TocEntry[]): ElementContent[] {
  return entries.map((entry) =>
    h('li', [h('a', {href: `#${entry.id}`}, entry.title), entry.children.length > 0 ? h('ol', tocItems(entry.children)) : undefined])
  )
}

function downloadLinks(siblings: EditionContext['siblings'], strings: Strings): ElementContent[] {
  const labels: Record<string, {text: string; label: string; type: string}> = {
    pdf: {text: strings.downloadPdf, label: strings.downloadPdfLabel, type: 'application/pdf'},
    epub: {text: strings.downloadEpub, label: strings.downloadEpubLabel, type: 'application/epub+zip'}
  }
  return siblings
    .filter((sibling) => labels[sibling.format])
    .map((sibling) => {
      const {text, label, type} = labels[sibling.format]!
      return h('li', [h('a', {href: encodeURI(sibling.fileName), download: '', type, title: label}, text)])
    })
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
    publisher: metadata.publisher ? {'@type': 'Organization', name: metadata.publisher} : undefined,
    datePublished: metadata.date,
    copyrightNotice: metadata.rights
  }
  // `<` written as \u003c so that no text can close the script element.
  return JSON.stringify(facts, undefined, 2).replace(/</g, '\\u003c')
}

/** Open Graph wants `en_US`; a tag without a region has no Open Graph locale. */
function openGraphLocale(lang: string): string | undefined {
  const locale = new Intl.Locale(lang)
  return locale.region ? `${locale.language}_${locale.region}` : undefined
}

function dataUri(mediaType: string, bytes: Uint8Array): string {
  return `data:${mediaType};base64,${Buffer.from(bytes).toString('base64')}`
}
