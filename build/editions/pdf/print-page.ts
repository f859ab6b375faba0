/**
 * The page Chromium prints: templates/pdf/page.html (or the theme's) filled
 * with the work, the shared stylesheets, the print layer and the theme's,
 * fonts and the logo served from the virtual origin. A book opens with a
 * title page and a copyright page, a brief with its masthead, title, byline
 * and date; a brief closes with the theme's closing sections, a book with
 * about the authors. Parts on pages of their own; and, when the work needs
 * one, a table of contents with page numbers and dot leaders.
 */
import type {Element, ElementContent, Root, Text} from 'hast'
import {h} from 'hastscript'
import {partOpenedBy, type ContentsEntry} from '../../document/contents.ts'
import type {Document} from '../../document/document.ts'
import type {PageSize} from '../../document/page-sizes.ts'
import {stringsFor} from '../../strings.ts'
import {byline, chapterSection, closingSections, dateElement, imprintLines, logoImage, opensWithTitlePage, publisherLine} from '../imprint.ts'
import {printFontFaces, printFontSource} from '../fonts.ts'
import {workStylesheets} from '../stylesheets.ts'
import {printStyles} from '../theme-styles.ts'
import {fillTemplate, loadTemplate} from '../template.ts'
import {facesToLoad} from '../typefaces.ts'
import {pageStyle, runningHeadText} from './page-style.ts'

/** Where the print page's site serves the theme's logo. */
export const logoPath = '/theme/'

export interface PrintPageOptions {
  document: Document
  /** The chapters' trees as they are to be printed (hyphenated, asset URLs). */
  chapters: Root[]
  pageSize: PageSize
  printReady: boolean
  /** The table of contents to print, if any. */
  contents?: ContentsEntry[]
  /** Page of each entry of the contents, once known. */
  pageNumbers?: Map<string, number>
  /** Ids of the parts and chapters that get a blank page before them, to start on a right-hand page. */
  blanks?: Set<string>
  /** Where the page finds the cover image, when the cover is the first page. */
  cover?: string
  /** To be cut into parts and printed part by part (print-in-parts.ts). */
  inParts?: boolean
}

export function printPage(options: PrintPageOptions): Root {
  const {document, pageSize} = options
  const {metadata, theme} = document
  const strings = stringsFor(metadata.lang)
  const styles: Text = {type: 'text', value: ''}
  const book = opensWithTitlePage(document, 'pdf')
  const logo = logoImage(theme.logo, metadata, (image) => logoPath + encodeURIComponent(image.path))
  const imprint = imprintLines(metadata, strings)
  const copyright = [
    ...(metadata.abstract ? [h('p', {className: ['abstract']}, metadata.abstract)] : []),
    ...imprint.map((line) => h('p', line)),
    ...closingSections(document, strings, {only: ['citation', 'disclaimer'], heading: 'h3'})
  ]
  const runningHead = runningHeadText(theme.runningHead, metadata)
  const page = fillTemplate(
    loadTemplate('pdf/page.html', theme),
    {
      lang: metadata.lang,
      dir: metadata.dir,
      pageClass: [pageSize.book ? 'book' : '', options.printReady ? 'print-ready' : ''].filter(Boolean).join(' ') || undefined,
      title: metadata.title,
      subtitle: metadata.subtitle,
      titlePage: book ? 'yes' : undefined,
      titleBlock: book ? undefined : 'yes',
      masthead: logo || metadata.series || metadata.reportNumber ? 'yes' : undefined,
      logo: logo ? [logo] : undefined,
      series: metadata.series,
      reportNumber: metadata.reportNumber ? `${strings.reportNumber} ${metadata.reportNumber}` : undefined,
      contributors: byline(metadata, strings),
      date: dateElement(metadata, strings),
      publisher: publisherLine(metadata),
      abstract: metadata.abstract,
      imprint: book && copyright.length > 0 ? copyright : undefined,
      styles: [styles],
      contents: strings.contents,
      toc: options.contents ? tocItems(options.contents, options.pageNumbers) : undefined,
      text: text(options),
      // A book's copyright page has the rest; a brief closes with all of it, in the theme's order.
      colophon: book ? closingSections(document, strings, {only: ['about-the-authors']}) : closingSections(document, strings),
      marginText: `${runningHead} 0123456789`
    },
    'pdf/page.html'
  )
  styles.value = [
    printFontFaces(theme),
    printStyles(
      theme,
      pageStyle({pageSize, title: runningHead, printReady: options.printReady, cover: options.cover !== undefined, inParts: options.inParts === true, ...(namedChapters(options) ? {chapters: document.chapters.map((chapter) => chapter.title)} : {})}),
      workStylesheets(document)
    )
  ].join('\n')
  // Before whatever the template has: a theme's own page template gets the cover too.
  if (options.cover) childOf(page, 'body')?.children.unshift(h('section', {className: ['cover-page']}, [h('img', {src: options.cover, alt: strings.cover})]))
  childOf(page, 'head')?.children.unshift(...loadingUnshown(page, options))
  return page
}

/**
 * What makes the page load fast: it is not laid out for the screen while
 * it loads (the window's width is not the print's, and a long work's
 * layout and paint took about half a second), and the faces its text is
 * set in come with it. Line setting loads those faces and then shows the
 * page at the print's width (`showForMeasuring` in line-breaking.ts), so
 * that its one layout is made with them; print media never hides it.
 */
function loadingUnshown(page: Root, options: PrintPageOptions): Element[] {
  const {files, loads} = facesToLoad(page, options.document.theme)
  return [
    h('style', {dataFolioUnshown: '', dataFaces: JSON.stringify(loads)}, '@media screen { html { display: none } }'),
    ...files.map((file) => {
      const {url, format} = printFontSource(file)
      return h('link', {rel: 'preload', href: url, as: 'font', type: format === 'woff2' ? 'font/woff2' : 'font/ttf', crossOrigin: 'anonymous'})
    })
  ]
}

function childOf(tree: Root, tagName: 'head' | 'body'): Element | undefined {
  const html = tree.children.find((node): node is Element => node.type === 'element' && node.tagName === 'html')
  return html?.children.find((node): node is Element => node.type === 'element' && node.tagName === tagName)
}

/** On book sizes, each chapter of a work with several is a named page: its rectos carry its title. */
function namedChapters(options: PrintPageOptions): boolean {
  return options.pageSize.book && options.document.chapters.length > 1
}

/** The chapters, each on a new page; a part's title on a page of its own before its chapters. */
function text(options: PrintPageOptions): ElementContent[] {
  const {document, chapters} = options
  if (chapters.length === 1 && document.parts.length === 0) return chapters[0]!.children as ElementContent[]
  const blank = (id: string): ElementContent[] => (options.blanks?.has(id) ? [h('div', {className: ['blank-page'], ariaHidden: 'true'})] : [])
  return document.chapters.flatMap((chapter, index) => {
    const part = partOpenedBy(document, index)
    const partPage: ElementContent[] = part
      ? [...blank(part.id), h('section', {className: ['part-page'], role: 'doc-part', ariaLabelledBy: part.id}, [h('h1', {className: ['part-title'], id: part.id}, part.title)])]
      : []
    const section = chapterSection(chapter, chapters[index]!.children as ElementContent[])
    if (namedChapters(options)) section.properties.style = `page: chapter-${index + 1}`
    return [...partPage, ...(chapter.anchor ? blank(chapter.anchor) : []), section]
  })
}

function tocItems(entries: ContentsEntry[], pageNumbers: Map<string, number> | undefined): ElementContent[] {
  return entries.map((entry) =>
    h('li', entry.kind === 'heading' ? {} : {className: [`toc-${entry.kind}`]}, [
      h('a', {href: `#${entry.id}`}, [
        h('span', {className: ['toc-title']}, entry.title),
        h('span', {className: ['toc-leader'], ariaHidden: 'true'}),
        // Before the first pass, a placeholder as wide as a page number.
        h('span', {className: ['toc-page']}, String(pageNumbers?.get(entry.id) ?? '00'))
      ]),
      entry.children.length > 0 ? h('ol', tocItems(entry.children, pageNumbers)) : undefined
    ])
  )
}
