/**
 * The page Chromium prints: templates/pdf/page.html filled with the work,
 * the shared stylesheets and the print layer, fonts served from the virtual
 * origin, and, when the work needs one, a table of contents with page numbers
 * and dot leaders.
 */
import type {ElementContent, Root, Text} from 'hast'
import {h} from 'hastscript'
import type {Document, TocEntry} from '../../document/document.ts'
import type {PageSize} from '../../document/page-sizes.ts'
import {stringsFor} from '../../strings.ts'
import {stylesheet} from '../stylesheets.ts'
import {fillTemplate, loadTemplate} from '../template.ts'
import {shippedFontFaces} from '../shipped-fonts.ts'
import {pageStyle} from './page-style.ts'

export interface PrintPageOptions {
  document: Document
  /** The chapters' trees as they are to be printed (hyphenated, asset URLs). */
  chapters: Root[]
  pageSize: PageSize
  printReady: boolean
  /** Print a table of contents. */
  showToc: boolean
  /** Page of each heading in the table of contents, once known. */
  pageNumbers?: Map<string, number>
}

export function printPage(options: PrintPageOptions): Root {
  const {document, pageSize} = options
  const {metadata} = document
  const strings = stringsFor(metadata.lang)
  const styles: Text = {type: 'text', value: ''}
  const page = fillTemplate(
    loadTemplate('pdf/page.html'),
    {
      lang: metadata.lang,
      dir: metadata.dir,
      pageClass: [pageSize.book ? 'book' : '', options.printReady ? 'print-ready' : ''].filter(Boolean).join(' ') || undefined,
      title: metadata.title,
      subtitle: metadata.subtitle,
      authors: metadata.authors.join(', ') || undefined,
      styles: [styles],
      contents: strings.contents,
      toc: options.showToc ? tocItems(document.toc, options.pageNumbers) : undefined,
      text:
        options.chapters.length === 1
          ? (options.chapters[0]!.children as ElementContent[])
          : options.chapters.map((tree) => h('section', {className: ['chapter']}, tree.children as ElementContent[])),
      colophon: [metadata.publisher, metadata.rights].filter(Boolean).join('. ') || undefined,
      marginText: `${metadata.title} 0123456789`
    },
    'pdf/page.html'
  )
  styles.value = [
    shippedFontFaces(),
    stylesheet('base'),
    stylesheet('print'),
    pageStyle({pageSize, title: metadata.title, printReady: options.printReady})
  ].join('\n')
  return page
}

function tocItems(entries: TocEntry[], pageNumbers: Map<string, number> | undefined): ElementContent[] {
  return entries.map((entry) =>
    h('li', [
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
