/**
 * Figures and captioned tables. An image alone in a paragraph, with a title
 * (`![Alt](chart.png "Caption")`), becomes a `figure` with the title as its
 * `figcaption`; a paragraph that starts with `Table:` right after a table
 * becomes that table's `caption` (Pandoc's convention). Numbers ("Figure
 * 2.") are added across the whole work, in document/assemble.ts.
 */
import type {Element, ElementContent, Root, Text} from 'hast'
import {visit} from 'unist-util-visit'

const tableCaption = /^\s*Table:\s*/

/** A rehype plugin. */
export default function rehypeFigures() {
  return (tree: Root): void => {
    visit(tree, 'element', (node, index, parent) => {
      if (!parent || index === undefined) return undefined
      if (node.tagName === 'p') {
        const content = node.children.filter((child) => !(child.type === 'text' && child.value.trim() === ''))
        const image = content[0]
        if (content.length !== 1 || image?.type !== 'element' || image.tagName !== 'img' || typeof image.properties.title !== 'string') return undefined
        const caption = image.properties.title
        delete image.properties.title
        parent.children[index] = {
          type: 'element',
          tagName: 'figure',
          // A label (`{#fig:map}`, transform/cross-references.ts) was put on the paragraph.
          properties: {className: ['figure'], ...(node.properties.id ? {id: node.properties.id} : {})},
          children: [image, {type: 'element', tagName: 'figcaption', properties: {}, children: [{type: 'text', value: caption}]}],
          ...(node.position ? {position: node.position} : {})
        }
        return undefined
      }
      if (node.tagName !== 'table') return undefined
      // The caption paragraph: the next element after the table, white space between.
      let next = index + 1
      while (parent.children[next]?.type === 'text' && (parent.children[next] as Text).value.trim() === '') next++
      const paragraph = parent.children[next]
      if (paragraph?.type !== 'element' || paragraph.tagName !== 'p') return undefined
      const first = paragraph.children[0]
      if (first?.type !== 'text' || !tableCaption.test(first.value)) return undefined
      first.value = first.value.replace(tableCaption, '')
      const caption: Element = {type: 'element', tagName: 'caption', properties: {}, children: paragraph.children as ElementContent[]}
      node.children.unshift(caption)
      node.properties.className = [...(Array.isArray(node.properties.className) ? node.properties.className : []), 'captioned']
      if (paragraph.properties.id && node.properties.id === undefined) node.properties.id = paragraph.properties.id
      parent.children.splice(index + 1, next - index)
      return undefined
    })
  }
}
