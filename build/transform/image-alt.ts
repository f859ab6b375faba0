/**
 * Markdown cannot say "decorative": `![](chart.png)` is an image whose author
 * wrote no alt text, not one marked as decorative. Leaving its alt unset lets
 * the URL policy report it and the EPUB withhold its accessibility claims;
 * raw HTML `alt=""` stays the author's mark of a decorative image.
 */
import type {Root} from 'mdast'
import {visit} from 'unist-util-visit'

/** A remark plugin. */
export default function remarkImageAlt() {
  return (tree: Root): void => {
    visit(tree, 'image', (node) => {
      if (node.alt === '') node.alt = null
    })
  }
}
