/**
 * The pages of an EPUB that the manuscript does not write: the title page
 * and the copyright page (EPUB SSV `titlepage`, `copyright-page`), and a page
 * for each part's title (`part`, role doc-part). The same facts, in the same
 * words, as the PDF's pages (../imprint.ts).
 */
import type {Element} from 'hast'
import {h} from 'hastscript'
import type {Metadata, Part} from '../../document/document.ts'
import type {Strings} from '../../strings.ts'
import {contributorLines, imprintLines} from '../imprint.ts'

/** Title, subtitle and contributors: the top of a single-file work's text, and the title page's middle. */
export function titleBlock(metadata: Metadata, strings: Strings): Element {
  const contributors = contributorLines(metadata, strings)
  return h('header', {className: ['title-block']}, [
    metadata.series ? h('p', {className: ['series']}, metadata.series) : undefined,
    h('h1', {className: ['title']}, metadata.title),
    metadata.subtitle ? h('p', {className: ['subtitle']}, metadata.subtitle) : undefined,
    contributors.length > 0 ? h('div', {className: ['authors']}, contributors.map((line) => h('p', line))) : undefined
  ])
}

export function titlePageSection(metadata: Metadata, strings: Strings): Element {
  return h('section', {'epub:type': 'titlepage', className: ['titlepage'], ariaLabel: strings.titlePage}, [
    titleBlock(metadata, strings),
    metadata.publisher ? h('p', {className: ['publisher']}, metadata.publisher) : undefined
  ])
}

export function copyrightPageSection(metadata: Metadata, strings: Strings): Element {
  return h('section', {'epub:type': 'copyright-page', className: ['copyright-page'], ariaLabel: strings.copyright}, [
    metadata.abstract ? h('p', {className: ['abstract']}, metadata.abstract) : undefined,
    ...imprintLines(metadata, strings).map((line) => h('p', line))
  ])
}

export function partSection(part: Part): Element {
  return h('section', {'epub:type': 'part', role: 'doc-part', className: ['part-page'], ariaLabelledBy: part.id}, [
    h('h1', {className: ['part-title'], id: part.id}, part.title)
  ])
}
