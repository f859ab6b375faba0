/**
 * Notes as a printed book has them: the call a plain superscript number (no
 * link colour, print.css), and no "↑" after the note. The way back from a
 * note to its call is the note's number, which leads it (as in the EPUB's
 * pop-up notes), so the PDF's notes still link both ways.
 */
import type {Element, Root} from 'hast'
import {h} from 'hastscript'
import {visit} from 'unist-util-visit'

/** Rewrite the notes of a chapter tree for print (changed in place). */
export function printNotes(tree: Root): void {
  visit(tree, 'element', (node) => {
    if (node.tagName !== 'section' || node.properties.dataFootnotes === undefined) return
    for (const list of node.children) {
      if (list.type !== 'element' || list.tagName !== 'ol') continue
      let number = 0
      for (const item of list.children) {
        if (item.type !== 'element' || item.tagName !== 'li') continue
        number++
        const back = takeBackLinks(item)
        if (!back) continue
        const first = item.children.find((child): child is Element => child.type === 'element')
        const label = h('a', {href: back, className: ['note-number']}, `${number}.`)
        if (first?.tagName === 'p') first.children.unshift(label, {type: 'text', value: ' '})
        else item.children.unshift(h('p', [label]))
      }
      list.properties.className = ['notes-list']
    }
  })
}

/** Remove an item's links back to its calls (and the space before them); the first one's target. */
function takeBackLinks(item: Element): string | undefined {
  let back: string | undefined
  visit(item, 'element', (node, index, parent) => {
    if (node.tagName !== 'a' || node.properties.dataFootnoteBackref === undefined || !parent || index === undefined) return undefined
    back ??= String(node.properties.href)
    parent.children.splice(index, 1)
    const before = parent.children[index - 1]
    if (before?.type === 'text') before.value = before.value.replace(/\s+$/, '')
    return index
  })
  return back
}
