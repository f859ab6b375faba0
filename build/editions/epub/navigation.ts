/**
 * The navigation document (EPUB 3.3 §7: the table of contents, role
 * doc-toc, and the landmarks) and, for reading systems that predate EPUB 3,
 * the same table as an NCX.
 */
import type {ElementContent} from 'hast'
import {h} from 'hastscript'
import {x} from 'xastscript'
import type {Element} from 'xast'
import type {Metadata} from '../../document/document.ts'
import type {Strings} from '../../strings.ts'
import {xmlText} from './xml.ts'

export interface NavEntry {
  title: string
  /** Relative to the navigation document (and the NCX: both sit beside the package document). */
  href: string
  children: NavEntry[]
}

/** A landmark: an EPUB SSV term (cover, titlepage, toc, bodymatter, …), where it is, and its name for people. */
export interface Landmark {
  type: string
  href: string
  label: string
}

/** The body of nav.xhtml. */
export function navigationBody(entries: NavEntry[], landmarks: Landmark[], strings: Strings): ElementContent[] {
  const list = (items: NavEntry[]): ElementContent =>
    h('ol', items.map((entry) => h('li', [h('a', {href: entry.href}, entry.title), entry.children.length > 0 ? list(entry.children) : undefined])))
  return [
    h('nav', {'epub:type': 'toc', role: 'doc-toc', id: 'toc', className: ['toc'], ariaLabelledBy: 'toc-title'}, [
      h('h1', {id: 'toc-title'}, strings.contents),
      list(entries)
    ]),
    h('nav', {'epub:type': 'landmarks', id: 'landmarks', ariaLabelledBy: 'landmarks-title', hidden: true}, [
      h('h2', {id: 'landmarks-title'}, strings.landmarks),
      h('ol', landmarks.map((landmark) => h('li', [h('a', {'epub:type': landmark.type, href: landmark.href}, landmark.label)])))
    ])
  ]
}

/** toc.ncx (NCX, from EPUB 2) with the same entries. */
export function ncx(entries: NavEntry[], metadata: Metadata): string {
  let order = 0
  const depthOf = (items: NavEntry[]): number => items.reduce((deepest, item) => Math.max(deepest, 1 + depthOf(item.children)), 0)
  const points = (items: NavEntry[]): Element[] =>
    items.map((entry) => {
      order++
      return x('navPoint', {id: `navpoint-${order}`, playOrder: String(order)}, [
        x('navLabel', [x('text', entry.title)]),
        x('content', {src: entry.href}),
        ...points(entry.children)
      ])
    })
  const tree = x('ncx', {xmlns: 'http://www.daisy.org/z3986/2005/ncx/', version: '2005-1', 'xml:lang': metadata.lang}, [
    x('head', [
      x('meta', {name: 'dtb:uid', content: metadata.identifier}),
      x('meta', {name: 'dtb:depth', content: String(Math.max(1, depthOf(entries)))}),
      x('meta', {name: 'dtb:totalPageCount', content: '0'}),
      x('meta', {name: 'dtb:maxPageNumber', content: '0'})
    ]),
    x('docTitle', [x('text', metadata.title)]),
    x('navMap', points(entries))
  ])
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlText(tree, {closeEmptyElements: true})}\n`
}
