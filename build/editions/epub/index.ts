/**
 * The EPUB edition, written by Folio's own small writer (the card's
 * epub-gen-memory was measured unfit: docs/decisions/0004): one XHTML file
 * per chapter from the Document's hast, a cover, a navigation document and an
 * NCX, the package document with accessibility metadata, the shared
 * stylesheet with an e-reader layer and the fonts the text uses, zipped with
 * `mimetype` first and fixed times, so a rebuild is byte-identical.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import slugify from '@sindresorhus/slugify'
import type {Element, ElementContent, Root} from 'hast'
import {h} from 'hastscript'
import {visit} from 'unist-util-visit'
import type {BrowserService} from '../../browser/browser-service.ts'
import type {Chapter, Document, TocEntry} from '../../document/document.ts'
import {stringsFor} from '../../strings.ts'
import {stylesheet} from '../stylesheets.ts'
import {fillTemplate, loadTemplate, type SlotValue} from '../template.ts'
import {fontFaceRules, fontFilesFor} from '../typefaces.ts'
import {accessibilityFacts} from './accessibility.ts'
import {zipBook, type BookFile} from './container.ts'
import {coverImage} from './cover.ts'
import {navigationBody, ncx, type NavEntry} from './navigation.ts'
import {popUpNotes} from './notes.ts'
import {packageDocument, type ManifestItem} from './package-document.ts'
import {toXhtml} from './xhtml.ts'

export interface EpubEditionOptions {
  document: Document
  browser: BrowserService
  sourceDateEpoch?: number
}

const extensions: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/avif': 'avif', 'image/svg+xml': 'svg'
}

export async function buildEpubEdition(options: EpubEditionOptions): Promise<Uint8Array> {
  const {document} = options
  const {metadata} = document
  const strings = stringsFor(metadata.lang)
  const single = document.chapters.length === 1
  const chapterHref = (chapter: Chapter) => `text/${chapter.id}.xhtml`

  // Every id, and the file that holds it: links across chapters name the file.
  const fileOfId = new Map<string, string>()
  for (const chapter of document.chapters) {
    visit(chapter.tree, 'element', (node) => {
      if (node.properties.id !== undefined) fileOfId.set(String(node.properties.id), chapterHref(chapter))
    })
  }

  // Images get safe names (no spaces; the extension of their real type).
  const images = [...document.assets.values()].map((asset, index) => {
    const image = asset.reduced ?? asset
    const stem = slugify(path.basename(asset.path, path.extname(asset.path))) || 'image'
    return {asset, image, id: `image-${index + 1}`, href: `images/${index + 1}-${stem}.${extensions[image.mediaType] ?? 'bin'}`}
  })
  const imageOf = new Map(images.map((image) => [image.asset.path, image]))

  const page = (title: string, bodyType: string | undefined, text: ElementContent[], stylesheetHref: string): Root =>
    fillTemplate(
      loadTemplate('epub/page.html'),
      {lang: metadata.lang, dir: metadata.dir, title, stylesheet: stylesheetHref, bodyType, text} satisfies Record<string, SlotValue>,
      'epub/page.html'
    )

  const chapterPages = document.chapters.map((chapter) => {
    const tree = structuredClone(chapter.tree)
    popUpNotes(tree)
    visit(tree, 'element', (node) => {
      if (node.tagName === 'a' && typeof node.properties.href === 'string' && node.properties.href.startsWith('#')) {
        const file = fileOfId.get(decodeURIComponent(node.properties.href.slice(1)))
        if (file && file !== chapterHref(chapter)) node.properties.href = `${path.posix.basename(file)}${node.properties.href}`
      }
      if (node.tagName === 'img') {
        const image = imageOf.get(String(node.properties.src))
        if (image) {
          node.properties.src = `../${image.href}`
          if (image.image !== image.asset && 'width' in image.image) {
            node.properties.width = image.image.width
            node.properties.height = image.image.height
          }
        }
      }
    })
    const firstHeading = tree.children.find((node): node is Element => node.type === 'element' && /^h[1-6]$/.test(node.tagName))
    const content: ElementContent[] = [
      ...(single ? [titleBlock(document)] : []),
      ...(tree.children as ElementContent[])
    ]
    const section = h(
      'section',
      {'epub:type': 'chapter', role: 'doc-chapter', ...(firstHeading && !single ? {ariaLabelledBy: String(firstHeading.properties.id)} : {ariaLabel: chapter.title})},
      content
    )
    return {chapter, href: chapterHref(chapter), id: `text-${chapter.id}`, tree: page(chapter.title, 'bodymatter', [section], '../css/book.css')}
  })

  const cover = await coverImage(document, options.browser)
  const coverHref = `images/cover.${cover.mediaType === 'image/png' ? 'png' : 'jpg'}`
  const coverPage = page(strings.cover, undefined, [
    h('section', {className: ['cover-page']}, [
      h('img', {src: coverHref, alt: strings.coverAlt.replace('{title}', metadata.title), 'epub:type': 'cover', role: 'doc-cover'})
    ])
  ], 'css/book.css')

  const titlePage = single
    ? undefined
    : page(strings.titlePage, 'frontmatter', [h('section', {'epub:type': 'titlepage', className: ['titlepage']}, [titleBlock(document)])], 'css/book.css')

  const showContents = !single || document.headingCount > 1
  const firstChapter = chapterPages[0]!.href
  const navPage = page(strings.contents, 'frontmatter', navigationBody(navEntries(document, chapterHref), {cover: 'cover.xhtml', toc: 'nav.xhtml#toc', bodymatter: firstChapter}, strings), 'css/book.css')

  // Fonts: only the faces and scripts the pages use, as in the HTML edition.
  const allPages: Root = {type: 'root', children: [coverPage, ...(titlePage ? [titlePage] : []), navPage, ...chapterPages.map((entry) => entry.tree)].flatMap((tree) => tree.children)}
  const fonts = fontFilesFor(allPages).map((file, index) => ({file, id: `font-${index + 1}`, href: `fonts/${path.basename(file.file)}`}))
  const css = [
    fontFaceRules(fonts.map((font) => font.file), (file) => `../fonts/${path.basename(file.file)}`),
    stylesheet('base'),
    stylesheet('ereader')
  ].join('\n')

  const hasImages = images.length > 0
  const accessibility = accessibilityFacts(document, {hasImages, hasMath: false})
  const manifest: ManifestItem[] = [
    {id: 'nav', href: 'nav.xhtml', mediaType: 'application/xhtml+xml', properties: 'nav'},
    {id: 'ncx', href: 'toc.ncx', mediaType: 'application/x-dtbncx+xml'},
    {id: 'css', href: 'css/book.css', mediaType: 'text/css'},
    {id: 'cover-image', href: coverHref, mediaType: cover.mediaType, properties: 'cover-image'},
    {id: 'cover', href: 'cover.xhtml', mediaType: 'application/xhtml+xml'},
    ...(titlePage ? [{id: 'titlepage', href: 'titlepage.xhtml', mediaType: 'application/xhtml+xml'}] : []),
    ...chapterPages.map((entry) => ({id: entry.id, href: entry.href, mediaType: 'application/xhtml+xml'})),
    ...images.map((image) => ({id: image.id, href: image.href, mediaType: image.image.mediaType})),
    ...fonts.map((font) => ({id: font.id, href: font.href, mediaType: 'font/woff2'}))
  ]
  const spine = [
    {idref: 'cover'},
    ...(titlePage ? [{idref: 'titlepage'}] : []),
    // In the spine even when not in the reading path: the landmarks link to it.
    {idref: 'nav', ...(showContents ? {} : {linear: false})},
    ...chapterPages.map((entry) => ({idref: entry.id}))
  ]

  const {date, modified} = bookDates(document, options.sourceDateEpoch)
  const files: BookFile[] = [
    {path: 'EPUB/package.opf', content: packageDocument({metadata, ...(date ? {date} : {}), modified: iso(modified), accessibility, manifest, spine, coverImageId: 'cover-image'})},
    {path: 'EPUB/nav.xhtml', content: toXhtml(navPage)},
    {path: 'EPUB/toc.ncx', content: ncx(navEntries(document, chapterHref), metadata)},
    {path: 'EPUB/css/book.css', content: css},
    {path: 'EPUB/cover.xhtml', content: toXhtml(coverPage)},
    {path: `EPUB/${coverHref}`, content: cover.bytes, stored: true},
    ...(titlePage ? [{path: 'EPUB/titlepage.xhtml', content: toXhtml(titlePage)}] : []),
    ...chapterPages.map((entry) => ({path: `EPUB/${entry.href}`, content: toXhtml(entry.tree)})),
    ...images.map((image) => ({path: `EPUB/${image.href}`, content: image.image.bytes, stored: image.image.mediaType !== 'image/svg+xml'})),
    ...fonts.map((font) => ({path: `EPUB/${font.href}`, content: new Uint8Array(readFileSync(font.file.file)), stored: true}))
  ]
  return zipBook(files, modified)
}

function titleBlock(document: Document): Element {
  const {metadata} = document
  return h('header', {className: ['title-block']}, [
    h('h1', {className: ['title']}, metadata.title),
    metadata.subtitle ? h('p', {className: ['subtitle']}, metadata.subtitle) : undefined,
    metadata.authors.length > 0 ? h('p', {className: ['authors']}, metadata.authors.join(', ')) : undefined
  ])
}

/**
 * The table of contents by chapter: each chapter is an entry; its headings
 * are below it, except a first heading that only repeats the chapter's title.
 */
function navEntries(document: Document, chapterHref: (chapter: Chapter) => string): NavEntry[] {
  const toEntry = (entry: TocEntry, file: string): NavEntry => ({
    title: entry.title,
    href: `${file}#${entry.id}`,
    children: entry.children.map((child) => toEntry(child, file))
  })
  return document.chapters.map((chapter, index) => {
    const file = chapterHref(chapter)
    const own = document.toc.filter((entry) => entry.chapter === index)
    const [first, ...rest] = own
    const children = first && first.title === chapter.title ? [...first.children, ...rest] : own
    return {title: chapter.title, href: file, children: children.map((entry) => toEntry(entry, file))}
  })
}

/** dc:date and dcterms:modified: SOURCE_DATE_EPOCH, else the manuscript's date; modified else the sources' time. */
function bookDates(document: Document, sourceDateEpoch: number | undefined): {date?: string; modified: Date} {
  if (sourceDateEpoch !== undefined) {
    const at = new Date(sourceDateEpoch * 1000)
    return {date: iso(at), modified: at}
  }
  const written = document.metadata.date
  if (written) {
    const at = new Date(written.length === 4 ? `${written}-01-01T00:00:00Z` : written.length === 7 ? `${written}-01T00:00:00Z` : written.length === 10 ? `${written}T00:00:00Z` : written)
    if (!Number.isNaN(at.getTime())) return {date: iso(at), modified: at}
  }
  return {modified: document.modified}
}

/** `2023-11-14T22:13:20Z`: the form EPUB wants for dcterms:modified. */
function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
