/**
 * Tables short enough to fit on a phone's page get the class `short`, which
 * ereader.css keeps whole (`break-inside: avoid`); a longer table breaks
 * between rows, its caption and header row kept with the first of them.
 */
import type {Root} from 'hast'
import {visit} from 'unist-util-visit'

/** Rows that fit on a phone's page at a reader's usual size (375 × 667 px, 1.5em lines: about 14 lines). */
export const shortTableRows = 10

/** Mark the short tables of a chapter tree (changed in place). */
export function markShortTables(tree: Root): void {
  visit(tree, 'element', (node) => {
    if (node.tagName !== 'table') return undefined
    let rows = 0
    visit(node, 'element', (inner) => {
      if (inner.tagName === 'tr') rows += 1
    })
    if (rows <= shortTableRows) {
      const classes = Array.isArray(node.properties.className) ? node.properties.className : []
      node.properties.className = [...classes, 'short']
    }
    return 'skip'
  })
}
