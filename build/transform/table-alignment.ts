/**
 * GFM column alignment arrives as the `align` attribute, which HTML5 made
 * obsolete (the Nu checker reports it). Keep the alignment as a class that
 * the shared stylesheet styles in every edition.
 */
import type {Root} from 'hast'
import {visit} from 'unist-util-visit'

const alignments = new Set(['left', 'center', 'right', 'justify'])

/** A rehype plugin. */
export default function rehypeTableAlignment() {
  return (tree: Root): void => {
    visit(tree, 'element', (node) => {
      const align = node.properties.align
      if (align === undefined) return
      delete node.properties.align
      if (typeof align === 'string' && alignments.has(align.toLowerCase())) {
        const classes = Array.isArray(node.properties.className) ? node.properties.className : []
        node.properties.className = [...classes, `align-${align.toLowerCase()}`]
      }
    })
  }
}
