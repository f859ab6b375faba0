/**
 * Gives every heading an id, the way GitHub does (`## Why NATO?` →
 * `why-nato`), so that links written against the Markdown keep working.
 * Ids are unique within the chapter here; `document/assemble.ts` makes them
 * unique across the work.
 */
import GithubSlugger, {slug} from 'github-slugger'
import type {Root} from 'hast'
import {headingRank} from 'hast-util-heading-rank'
import {toString} from 'hast-util-to-string'
import {visit} from 'unist-util-visit'

/** A rehype plugin. */
export default function rehypeHeadingIds() {
  return (tree: Root): void => {
    const slugger = new GithubSlugger()
    visit(tree, 'element', (node) => {
      if (node.properties.id) slugger.slug(String(node.properties.id))
    })
    visit(tree, 'element', (node) => {
      if (!headingRank(node) || node.properties.id) return
      // A heading of only punctuation or emoji has an empty slug.
      const text = toString(node)
      node.properties.id = slugger.slug(slug(text) === '' ? 'section' : text)
    })
  }
}
