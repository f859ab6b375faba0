/**
 * The EPUB edition, written by Folio's own small writer (the card's
 * epub-gen-memory was measured unfit: docs/decisions/0004): one XHTML file
 * per chapter from the Document's hast, a cover, a navigation document and an
 * NCX, the package document with accessibility metadata, the shared
 * stylesheet with an e-reader layer and the fonts the text uses, zipped with
 * `mimetype` first and fixed times, so a rebuild is byte-identical.
 */
import path from 'node:path'
import slugify from '@sindresorhus/slugify'
import type {Element, ElementContent, Root} from 'hast'
import {h} from 'hastscript'
import {visit} from 'unist-util-visit'
import type {BrowserService} from '../../browser/browser-service.ts'
import {checkEpub} from '../../check/epub-check.ts'
import {contentsOf, partOpenedBy, type ContentsEntry} from '../../document/contents.ts'
import type {Chapter, Document} from '../../document/document.ts'
import type {EditionSettings} from '../../document/settings.ts'
import {EditionError} from '../../errors.ts'
import {stringsFor} from '../../strings.ts'
import type {TimeLimit} from '../../time-limit.ts'
import {ereaderFontBytes, themeFontName} from '../fonts.ts'
import {chapterSection, chapterSemantics, logoImage, opensWithTitlePage} from '../imprint.ts'
import {workStylesheets} from '../stylesheets.ts'
import {ereaderStyles} from '../theme-styles.ts'
import {fillTemplate, loadTemplate, type SlotValue} from '../template.ts'
import {fontFaceRules, fontFilesFor, pagePoints} from '../typefaces.ts'
import {accessibilityFacts} from './accessibility.ts'
import {zipBook, type BookFile} from './container.ts'
import {aboutPageSection, colophonSection, copyrightContent, copyrightPageSection, partSection, titleBlock, titlePageSection} from './book-pages.ts'
import {asCoreImage} from './core-media.ts'
import {coverImage} from './cover.ts'
import {navigationBody, ncx, type Landmark, type NavEntry} from './navigation.ts'
import {popUpNotes} from './notes.ts'
import {markShortTables} from './table-breaks.ts'
import {packageDocument, type ManifestItem} from './package-document.ts'
import {addEpubTypes} from './semantics.ts'
import {toXhtml} from './xhtml.ts'

export interface EpubEditionOptions {
  document: Document
  settings: EditionSettings
  browser: BrowserService
  /** How long the edition may take to build (checked as it goes). */
  timeLimit?: TimeLimit
}

const extensions: Record<string, string> = {
  'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/avif': 'avif', 'image/svg+xml': 'svg'
}

export async function buildEpubEdition(options: EpubEditionOptions): Promise<Uint8Array> {
  const {document, settings} = options
  const {metadata, theme} = document
  const {strings} = settings
  const single = document.chapters.length === 1
  // A book opens with a title page (and a copyright page when there are facts for one); a brief with its title block.
  const withTitlePage = opensWithTitlePage(document, 'epub')
  const chapterHref = (chapter: Chapter) => `text/${chapter.id}.xhtml`
  const chapterIds = new Set(document.chapters.map((chapter) => chapter.id))
  const partHrefs = document.parts.map((_, index) => {
    let stem = `part-${index + 1}`
    while (chapterIds.has(stem)) stem += '-part'
    return `text/${stem}.xhtml`
  })

  // Every id, and the file that holds it: links across chapters name the file.
  const fileOfId = new Map<string, string>()
  for (const chapter of document.chapters) {
    visit(chapter.tree, 'element', (node) => {
      if (node.properties.id !== undefined) fileOfId.set(String(node.properties.id), chapterHref(chapter))
    })
  }
  for (const [index, part] of document.parts.entries()) fileOfId.set(part.id, partHrefs[index]!)

  // Images get safe names (no spaces; the extension of their real type).
  // Types an e-reader need not show (WebP, AVIF) become PNG or JPEG.
  const images = await Promise.all([...document.assets.values()].map(async (asset, index) => {
    const chosen = asset.reduced ?? asset
    const core = await asCoreImage(chosen)
    const image = core === chosen ? chosen : {...chosen, ...core}
    const stem = slugify(path.basename(asset.path, path.extname(asset.path))) || 'image'
    return {asset, image, id: `image-${index + 1}`, href: `images/${index + 1}-${stem}.${extensions[image.mediaType] ?? 'bin'}`}
  }))
  const imageOf = new Map(images.map((image) => [image.asset.path, image]))

  // The theme's logo, a file of the book.
  const logoFile = theme.logo ? {href: `images/logo.${theme.logo.light.mediaType === 'image/png' ? 'png' : 'svg'}`, image: theme.logo.light} : undefined
  const logo = (depth: '' | '../') => logoImage(theme.logo, metadata, () => `${depth}${logoFile!.href}`)

  const page = (title: string, bodyType: string | undefined, text: ElementContent[], stylesheetHref: string): Root =>
    fillTemplate(
      loadTemplate('epub/page.html', theme),
      {lang: metadata.lang, dir: metadata.dir, title, stylesheet: stylesheetHref, bodyType, text} satisfies Record<string, SlotValue>,
      'epub/page.html'
    )

  const chapterPages = document.chapters.map((chapter) => {
    const tree = structuredClone(chapter.tree)
    popUpNotes(tree)
    markShortTables(tree)
    addEpubTypes(tree)
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
    const content: ElementContent[] = [
      ...(single && !withTitlePage ? [titleBlock(metadata, strings, logo('../'))] : []),
      ...(tree.children as ElementContent[])
    ]
    // A single chapter is the whole work: named by its title, not by its first (often minor) heading.
    const section = chapterSection(chapter, content, {epub: true, byTitle: single})
    const {matter} = chapterSemantics[chapter.type]
    return {chapter, matter, href: chapterHref(chapter), id: `text-${chapter.id}`, tree: page(chapter.title, matter, [section], '../css/book.css')}
  })
  const partPages = document.parts.map((part, index) => ({
    matter: 'bodymatter' as const,
    href: partHrefs[index]!,
    id: `text-${path.posix.basename(partHrefs[index]!, '.xhtml')}`,
    tree: page(part.title, 'bodymatter', [partSection(part)], '../css/book.css')
  }))
  // The reading order: each part's page before its first chapter.
  const textPages = document.chapters.flatMap((chapter, index) => [
    ...(partOpenedBy(document, index) ? [partPages[chapter.part!]!] : []),
    chapterPages[index]!
  ])

  options.timeLimit?.check('its chapters')
  const cover = await coverImage(document, options.browser)
  const coverHref = `images/cover.${cover.mediaType === 'image/png' ? 'png' : 'jpg'}`
  const coverPage = page(strings.cover, undefined, [
    h('section', {className: ['cover-page']}, [
      h('img', {src: coverHref, alt: strings.coverAlt.replace('{title}', metadata.title), 'epub:type': 'cover', role: 'doc-cover'})
    ])
  ], 'css/book.css')

  const titlePage = withTitlePage ? page(strings.titlePage, 'frontmatter', [titlePageSection(metadata, strings, logo(''))], 'css/book.css') : undefined
  const copyright = withTitlePage ? copyrightContent(document, strings) : []
  const copyrightPage = copyright.length > 0 ? page(strings.copyright, 'frontmatter', [copyrightPageSection(copyright, strings)], 'css/book.css') : undefined
  // The closing pages: about the authors (book and brief), and a brief's colophon; in the theme's order.
  const about = aboutPageSection(document, strings)
  const colophon = withTitlePage ? undefined : colophonSection(document, strings)
  const closingPages = [
    ...(about ? [{key: 'about-the-authors', href: 'about.xhtml', id: 'about', title: about.children.find((child): child is Element => child.type === 'element')!, section: about}] : []),
    ...(colophon ? [{key: theme.closing.find((section) => section !== 'about-the-authors')!, href: 'colophon.xhtml', id: 'colophon', title: undefined, section: colophon}] : [])
  ]
    .sort((a, b) => theme.closing.indexOf(a.key as never) - theme.closing.indexOf(b.key as never))
    .map((entry) => ({...entry, tree: page(entry.id === 'about' ? toPlainText(entry.title!) : strings.colophon, 'backmatter', [entry.section], 'css/book.css')}))

  const showContents = !single || document.headingCount > 1
  const firstBody = textPages.find((entry) => entry.matter === 'bodymatter') ?? textPages[0]!
  // Back matter starts where only back matter follows.
  const firstBack = chapterPages.find((entry, index) => entry.matter === 'backmatter' && chapterPages.slice(index).every((later) => later.matter === 'backmatter'))
  const firstClosing = closingPages[0]
  const landmarks: Landmark[] = [
    {type: 'cover', href: 'cover.xhtml', label: strings.cover},
    ...(titlePage ? [{type: 'titlepage', href: 'titlepage.xhtml', label: strings.titlePage}] : []),
    ...(copyrightPage ? [{type: 'copyright-page', href: 'copyright.xhtml', label: strings.copyright}] : []),
    {type: 'toc', href: 'nav.xhtml#toc', label: strings.contents},
    {type: 'bodymatter', href: firstBody.href, label: strings.beginning},
    ...(firstBack ? [{type: 'backmatter', href: firstBack.href, label: firstBack.chapter.title}] : firstClosing ? [{type: 'backmatter', href: firstClosing.href, label: toPlainText(firstClosing.tree)}] : [])
  ]
  const entries = navEntries(document, fileOfId, chapterHref)
  const navPage = page(strings.contents, 'frontmatter', navigationBody(entries, landmarks, strings), 'css/book.css')

  // Fonts: only the faces and scripts the pages use, as in the HTML edition.
  const allPages: Root = {
    type: 'root',
    children: [coverPage, titlePage, copyrightPage, navPage, ...textPages.map((entry) => entry.tree), ...closingPages.map((entry) => entry.tree)].flatMap((tree) => tree?.children ?? [])
  }
  const fontFiles = fontFilesFor(allPages, theme)
  const bookPoints = pagePoints(allPages)
  const fontBytes = await Promise.all(fontFiles.map((file) => ereaderFontBytes(file, bookPoints)))
  const fonts = fontFiles.map((file, index) => {
    const {bytes, extension, mediaType} = fontBytes[index]!
    return {file, bytes, mediaType, id: `font-${index + 1}`, href: `fonts/${file.kind === 'shipped' ? path.basename(file.file, '.woff2') + '.' + extension : themeFontName(file, extension)}`}
  })
  const css = [
    fontFaceRules(fontFiles, (file) => {
      const font = fonts[fontFiles.indexOf(file)]!
      return {url: `../${font.href}`, format: font.mediaType === 'font/otf' ? 'opentype' : 'truetype'}
    }),
    ereaderStyles(theme, workStylesheets(document))
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
    ...(copyrightPage ? [{id: 'copyright', href: 'copyright.xhtml', mediaType: 'application/xhtml+xml'}] : []),
    ...textPages.map((entry) => ({id: entry.id, href: entry.href, mediaType: 'application/xhtml+xml'})),
    ...closingPages.map((entry) => ({id: entry.id, href: entry.href, mediaType: 'application/xhtml+xml'})),
    ...images.map((image) => ({id: image.id, href: image.href, mediaType: image.image.mediaType})),
    ...(logoFile ? [{id: 'logo', href: logoFile.href, mediaType: logoFile.image.mediaType}] : []),
    ...fonts.map((font) => ({id: font.id, href: font.href, mediaType: font.mediaType}))
  ]
  const spine = [
    {idref: 'cover'},
    ...(titlePage ? [{idref: 'titlepage'}] : []),
    ...(copyrightPage ? [{idref: 'copyright'}] : []),
    // In the spine even when not in the reading path: the landmarks link to it.
    {idref: 'nav', ...(showContents ? {} : {linear: false})},
    ...textPages.map((entry) => ({idref: entry.id})),
    ...closingPages.map((entry) => ({idref: entry.id}))
  ]

  const {published, modified} = settings
  const files: BookFile[] = [
    {path: 'EPUB/package.opf', content: packageDocument({metadata, ...(published ? {date: iso(published)} : {}), modified: iso(modified), accessibility, manifest, spine, coverImageId: 'cover-image'})},
    {path: 'EPUB/nav.xhtml', content: toXhtml(navPage)},
    {path: 'EPUB/toc.ncx', content: ncx(entries, metadata)},
    {path: 'EPUB/css/book.css', content: css},
    {path: 'EPUB/cover.xhtml', content: toXhtml(coverPage)},
    {path: `EPUB/${coverHref}`, content: cover.bytes, stored: true},
    ...(titlePage ? [{path: 'EPUB/titlepage.xhtml', content: toXhtml(titlePage)}] : []),
    ...(copyrightPage ? [{path: 'EPUB/copyright.xhtml', content: toXhtml(copyrightPage)}] : []),
    ...textPages.map((entry) => ({path: `EPUB/${entry.href}`, content: toXhtml(entry.tree)})),
    ...closingPages.map((entry) => ({path: `EPUB/${entry.href}`, content: toXhtml(entry.tree)})),
    ...images.map((image) => ({path: `EPUB/${image.href}`, content: image.image.bytes, stored: image.image.mediaType !== 'image/svg+xml'})),
    ...(logoFile ? [{path: `EPUB/${logoFile.href}`, content: logoFile.image.bytes, stored: logoFile.image.mediaType === 'image/png'}] : []),
    // TrueType compresses (WOFF2 did not): deflated like the text.
    ...fonts.map((font) => ({path: `EPUB/${font.href}`, content: font.bytes}))
  ]
  options.timeLimit?.check('its pages')
  const book = zipBook(files, modified)
  // Nothing leaves this function that Folio's own checks refuse: a build that exits 0 wrote a valid EPUB.
  const {result} = await checkEpub(book)
  if (result.status === 'fail') {
    const shown = result.problems.slice(0, 5).join('; ')
    const more = result.problems.length > 5 ? ` (and ${result.problems.length - 5} more)` : ''
    throw new EditionError(`The EPUB of ${document.slug} fails Folio's own checks, so it is not written: ${shown}${more}`)
  }
  return book
}

/**
 * The table of contents (../../document/contents.ts) with each entry's file.
 * A single-file work has one entry, the work, with its headings below it.
 */
function navEntries(document: Document, fileOfId: Map<string, string>, chapterHref: (chapter: Chapter) => string): NavEntry[] {
  const toEntry = (entry: ContentsEntry): NavEntry => {
    const file = fileOfId.get(entry.id) ?? chapterHref(document.chapters[entry.chapter]!)
    return {title: entry.title, href: entry.kind === 'heading' ? `${file}#${entry.id}` : file, children: entry.children.map(toEntry)}
  }
  const entries = contentsOf(document).map(toEntry)
  if (document.chapters.length === 1 && document.parts.length === 0) {
    const chapter = document.chapters[0]!
    return [{title: chapter.title, href: chapterHref(chapter), children: entries}]
  }
  return entries
}

/** The text of a tree (a heading, a page's title). */
function toPlainText(node: Root | Element): string {
  let text = ''
  visit(node, 'text', (child) => {
    text += child.value
  })
  if (node.type === 'root') {
    const title = node.children.length > 0 ? findTitle(node) : undefined
    return title ?? text
  }
  return text
}

function findTitle(tree: Root): string | undefined {
  let title: string | undefined
  visit(tree, 'element', (node) => {
    if (title === undefined && node.tagName === 'title') title = node.children.map((child) => (child.type === 'text' ? child.value : '')).join('')
  })
  return title
}

/** `2023-11-14T22:13:20Z`: the form EPUB wants for dcterms:modified. */
function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
