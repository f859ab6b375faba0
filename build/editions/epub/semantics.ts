/**
 * EPUB structural semantics for elements that carry a DPUB-ARIA role: an
 * `aside role="doc-pullquote"` gets `epub:type="pullquote"`, so reading
 * systems that know only `epub:type` see the same structure. EPUB
 * Accessibility asks the two to agree (https://www.w3.org/TR/dpub-aria/ ,
 * https://www.w3.org/TR/epub-ssv-11/).
 */
import type {Root} from 'hast'
import {visit} from 'unist-util-visit'

/** The roles whose EPUB term is not the role's name without `doc-`. */
const renamed: Record<string, string> = {'doc-pagelist': 'page-list', 'doc-pagebreak': 'pagebreak'}

/** Roles with no EPUB counterpart, or one that would change how a reading system shows the element. */
const without = new Set(['doc-backlink', 'doc-noteref', 'doc-footnote', 'doc-endnote', 'doc-cover'])

export function addEpubTypes(tree: Root): void {
  visit(tree, 'element', (node) => {
    const role = node.properties.role
    if (typeof role !== 'string' || !role.startsWith('doc-') || node.properties['epub:type'] !== undefined) return
    if (without.has(role)) return
    node.properties['epub:type'] = renamed[role] ?? role.slice(4)
  })
}
