/**
 * GFM footnotes as EPUB 3 pop-up notes: each call is a `noteref` (the `<sup>`
 * outside the link), each note an `aside` with `epub:type="footnote"` and
 * role doc-footnote in the same file, starting with its number as the link
 * back (Kindle merges a note into the text before it otherwise).
 */
import type {Element, ElementContent, Root} from 'hast'
import {h} from 'hastscript'
import {SKIP, visit} from 'unist-util-visit'

/** Rewrite the notes of a chapter tree (changed in place). */
export function popUpNotes(tree: Root): void {
  // Calls first, those inside notes (a note citing a note) too: the heading they were described by goes.
  visit(tree, 'element', (node) => {
    if (node.tagName === 'a' && node.properties.dataFootnoteRef !== undefined) {
      node.properties['epub:type'] = 'noteref'
      node.properties.role = 'doc-noteref'
      delete node.properties.dataFootnoteRef
      delete node.properties.ariaDescribedBy
    }
  })
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName !== 'section' || node.properties.dataFootnotes === undefined || !parent || index === undefined) return undefined
    const items = node.children.flatMap((child) =>
      child.type === 'element' && child.tagName === 'ol' ? child.children.filter((item): item is Element => item.type === 'element') : []
    )
    parent.children[index] = h('section', {className: ['footnotes']}, items.map((item, position) => aside(item, position + 1)))
    return SKIP
  })
}

function aside(item: Element, number: number): Element {
  let back = ''
  // The ↑ links back to the calls go; the number, first, links back instead.
  visit(item, 'element', (node, index, parent) => {
    if (node.tagName === 'a' && node.properties.dataFootnoteBackref !== undefined && parent && index !== undefined) {
      back ||= String(node.properties.href)
      parent.children.splice(index, 1)
      const before = parent.children[index - 1]
      if (before?.type === 'text') before.value = before.value.replace(/\s+$/, '')
      return index
    }
    return undefined
  })
  const content = item.children.filter((child) => !(child.type === 'text' && child.value.trim() === ''))
  const first = content[0]
  const label = h('a', {href: back, role: 'doc-backlink'}, `${number}.`)
  if (first?.type === 'element' && first.tagName === 'p') first.children.unshift(label, {type: 'text', value: ' '})
  else content.unshift(h('p', [label]))
  // `footnote`, not `note`: a note is styled as a note (small, plain), never as a :::note callout.
  return h('aside', {id: item.properties.id, 'epub:type': 'footnote', role: 'doc-footnote', className: ['footnote']}, content as ElementContent[])
}
