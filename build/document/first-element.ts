/**
 * The first element of a tree, in document order, that passes a test: the
 * HTML edition finds where the text goes in its template, the print in
 * parts finds the page's `main` and its chapters, `folio check` the
 * elements it reads.
 */
import type {Element, Root} from 'hast'
import {EXIT, visit} from 'unist-util-visit'

export function firstElement(tree: Root | Element, test: (element: Element) => boolean): Element | undefined {
  let found: Element | undefined
  visit(tree, 'element', (element) => {
    if (!test(element)) return undefined
    found = element
    return EXIT
  })
  return found
}
