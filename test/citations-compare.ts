/**
 * What test/citations.exhaustive.ts compares between Folio's HTML edition and
 * Pandoc's (`pandoc --citeproc -t html5`): the text of each citation as a
 * reader meets it, in reading order (in the text with an author-date style;
 * the notes with a note style), and the text of each bibliography entry by
 * its key.
 */
import type {Element, Root} from 'hast'
import {toText} from 'hast-util-to-text'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {remove} from 'unist-util-remove'
import {visitParents} from 'unist-util-visit-parents'

export interface Renderings {
  /** Citations in the text (author-date) or notes (note style), in order. */
  citations: string[]
  /** Bibliography entries by key. */
  entries: Map<string, string>
}

const clean = (text: string) => text.replace(/\s+/g, ' ').trim()
const classes = (node: Element) => (Array.isArray(node.properties.className) ? node.properties.className.map(String) : [])

/**
 * @param html An HTML page.
 * @param maker Who made it: Folio's notes are `li#fn-…` in a `section[data-footnotes]`, Pandoc's `li#fn…` in `section.footnotes`.
 */
export function renderings(html: string, maker: 'folio' | 'pandoc'): Renderings {
  const tree = unified().use(rehypeParse).parse(html) as Root
  // The way back from a note (↑ or ↩) is not its text.
  remove(tree, (node) => node.type === 'element' && (['footnote-back', 'data-footnote-backref'].some((name) => classes(node as Element).includes(name)) || (node as Element).properties.dataFootnoteBackref !== undefined))
  const entries = new Map<string, string>()
  const notes: string[] = []
  const inText: string[] = []
  visitParents(tree, 'element', (node, ancestors) => {
    const id = String(node.properties.id ?? '')
    const inNote = ancestors.some((ancestor) => ancestor.type === 'element' && ancestor.tagName === 'li' && /^fn/.test(String(ancestor.properties.id ?? '')))
    if (classes(node).includes('csl-entry') && id.startsWith('ref-')) entries.set(id.slice(4), clean(toText(node)))
    if (node.tagName === 'li' && /^fn-?/.test(id) && (maker === 'pandoc' ? /^fn\d+$/.test(id) : id.startsWith('fn-'))) notes.push(clean(toText(node)))
    if (node.tagName === 'span' && classes(node).includes('citation') && !inNote) {
      // Pandoc's note-style citation in the text is the note's call (and an author's name): its text is the name.
      const copy = structuredClone(node)
      remove(copy, (child) => child.type === 'element' && ((child as Element).tagName === 'sup' || classes(child as Element).includes('footnote-ref')))
      inText.push(clean(toText(copy)))
    }
  })
  return {citations: [...inText.filter(Boolean), ...notes], entries}
}
