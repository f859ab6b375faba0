/**
 * The page Chromium prints: templates/pdf/page.html filled with the work,
 * the shared stylesheets and the print layer, fonts served from the virtual
 * origin; a title page and a copyright page when the work has an imprint;
 * parts on pages of their own; and, when the work needs one, a table of
 * contents with page numbers and dot leaders.
 */
import type {Element, ElementContent, Root, Text} from 'hast'
import {h} from 'hastscript'
import {partOpenedBy, type ContentsEntry} from '../../document/contents.ts'
import type {Document} from '../../document/document.ts'
import type {PageSize} from '../../document/page-sizes.ts'
import {stringsFor} from '../../strings.ts'
import {chapterSection, contributorLines, hasImprint, imprintLines} from '../imprint.ts'
import {shippedFontFaces} from '../shipped-fonts.ts'
import {stylesheet, workStylesheets} from '../stylesheets.ts'
import {fillTemplate, loadTemplate} from '../template.ts'
import {pageStyle} from './page-style.ts'

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
}

export function printPage(options: PrintPageOptions): Root {
  const {document, pageSize} = options
  const {metadata} = document
  const strings = stringsFor(metadata.lang)
  const styles: Text = {type: 'text', value: ''}
  const imprint = hasImprint(metadata)
  const contributors = contributorLines(metadata, strings).map((line) => h('p', line))
  const page = fillTemplate(
    loadTemplate('pdf/page.html'),
    {
      lang: metadata.lang,
      dir: metadata.dir,
      pageClass: [pageSize.book ? 'book' : '', options.printReady ? 'print-ready' : ''].filter(Boolean).join(' ') || undefined,
      title: metadata.title,
      subtitle: metadata.subtitle,
      series: metadata.series,
      contributors,
      publisher: metadata.publisher,
      abstract: metadata.abstract,
      imprint: imprint ? [...(metadata.abstract ? [h('p', {className: ['abstract']}, metadata.abstract)] : []), ...imprintLines(metadata, strings).map((line) => h('p', line))] : undefined,
      titleBlock: imprint ? undefined : 'yes',
      styles: [styles],
      contents: strings.contents,
      toc: options.contents ? tocItems(options.contents, options.pageNumbers) : undefined,
      text: text(options),
      marginText: `${metadata.title} 0123456789`
    },
    'pdf/page.html'
  )
  styles.value = [
    shippedFontFaces(),
    stylesheet('base'),
    stylesheet('print'),
    ...workStylesheets(document),
    pageStyle({pageSize, title: metadata.title, printReady: options.printReady, ...(namedChapters(options) ? {chapters: document.chapters.map((chapter) => chapter.title)} : {})})
  ].join('\n')
  return page
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
