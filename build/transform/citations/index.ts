/**
 * Citations in Pandoc's syntax, rendered by citeproc-js: the remark plugin
 * that finds them in a chapter (remark.ts, with syntax.ts and locator.ts),
 * its handler into hast (below), and the whole-work pass that renders them
 * and places the bibliography (render.ts).
 */
import type {Element} from 'hast'
import type {State} from 'mdast-util-to-hast'
import {citationProperty} from './render.ts'
import type {CitationNode} from './remark.ts'

export {default as remarkCitations, isCrossReference, type CitationData} from './remark.ts'
export {citationPlaceholders, renderCitations, type ChapterText, type Placeholder} from './render.ts'

/**
 * remark-rehype's handler for a citation node: a `span.citation` that shows
 * what the author wrote, and carries the citation to the whole-work pass.
 */
export function citationToHast(state: State, node: CitationNode): Element {
  const element: Element = {
    type: 'element',
    tagName: 'span',
    properties: {className: ['citation'], [citationProperty]: JSON.stringify(node.data.citation)},
    children: state.all(node)
  }
  state.patch(node, element)
  return element
}
