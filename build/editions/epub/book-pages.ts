/**
 * The pages of an EPUB that the manuscript does not write: the title page
 * and the copyright page of a book (EPUB SSV `titlepage`, `copyright-page`),
 * the brief's title block, the closing pages (about the authors, the
 * colophon with the recommended citation, rights and licence, disclaimer and
 * imprint), and a page for each part's title (`part`, role doc-part). The
 * same facts, in the same words, as the PDF's pages (../imprint.ts).
 */
import type {Element, ElementContent} from 'hast'
import {h} from 'hastscript'
import type {Document, Metadata, Part} from '../../document/document.ts'
import type {Strings} from '../../strings.ts'
import {byline, closingSections, dateElement, imprintLines} from '../imprint.ts'

/**
 * The masthead (logo, series, report number), title, subtitle, byline and
 * date: the top of a brief's text, and the title page's middle.
 */
export function titleBlock(metadata: Metadata, strings: Strings, logo?: Element): Element {
  const contributors = byline(metadata, strings)
  const date = dateElement(metadata, strings)
  const report = metadata.reportNumber ? `${strings.reportNumber} ${metadata.reportNumber}` : undefined
  return h('header', {className: ['title-block']}, [
    logo || report
      ? h('div', {className: ['masthead']}, [
          logo ? h('span', {className: ['logo-box']}, [logo]) : undefined,
          h('div', {className: ['masthead-text']}, [metadata.series ? h('p', {className: ['series']}, metadata.series) : undefined, report ? h('p', {className: ['report-number']}, report) : undefined])
        ])
      : metadata.series
        ? h('p', {className: ['series']}, metadata.series)
        : undefined,
    h('h1', {className: ['title']}, metadata.title),
    metadata.subtitle ? h('p', {className: ['subtitle']}, metadata.subtitle) : undefined,
    contributors.length > 0 ? h('div', {className: ['authors']}, contributors) : undefined,
    date ? h('p', {className: ['date']}, date) : undefined
  ])
}

export function titlePageSection(metadata: Metadata, strings: Strings, logo?: Element): Element {
  return h('section', {'epub:type': 'titlepage', className: ['titlepage'], ariaLabel: strings.titlePage}, [
    titleBlock(metadata, strings, logo),
    metadata.publisher ? h('p', {className: ['publisher']}, metadata.publisher) : undefined
  ])
}

/** The copyright page's content: the abstract, the imprint's lines, the recommended citation and the disclaimer. */
export function copyrightContent(document: Document, strings: Strings): ElementContent[] {
  const {metadata} = document
  return [
    ...(metadata.abstract ? [h('p', {className: ['abstract']}, metadata.abstract)] : []),
    ...imprintLines(metadata, strings).map((line) => h('p', line)),
    ...closingSections(document, strings, {only: ['citation', 'disclaimer']})
  ]
}

export function copyrightPageSection(content: ElementContent[], strings: Strings): Element {
  return h('section', {'epub:type': 'copyright-page', className: ['copyright-page'], ariaLabel: strings.copyright}, content)
}

/** About the authors, on a page of its own: its heading is the page's. */
export function aboutPageSection(document: Document, strings: Strings): Element | undefined {
  const [section] = closingSections(document, strings, {only: ['about-the-authors']})
  if (!section) return undefined
  const heading = section.children.find((child): child is Element => child.type === 'element' && child.tagName === 'h2')
  if (heading) heading.tagName = 'h1'
  section.properties['epub:type'] = 'contributors'
  return section
}

/** The colophon of a brief: the closing sections but about the authors, in the theme's order. */
export function colophonSection(document: Document, strings: Strings): Element | undefined {
  const sections = closingSections(document, strings, {only: document.theme.closing.filter((section) => section !== 'about-the-authors')})
  if (sections.length === 0) return undefined
  return h('section', {'epub:type': 'colophon', role: 'doc-colophon', className: ['colophon'], ariaLabelledBy: 'folio-colophon'}, [
    h('h1', {id: 'folio-colophon', className: ['colophon-title']}, strings.colophon),
    ...sections
  ])
}

export function partSection(part: Part): Element {
  return h('section', {'epub:type': 'part', role: 'doc-part', className: ['part-page'], ariaLabelledBy: part.id}, [
    h('h1', {className: ['part-title'], id: part.id}, part.title)
  ])
}
