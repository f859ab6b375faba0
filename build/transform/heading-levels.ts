/**
 * Headings may go up any number of levels but down only one at a time: a
 * heading that skips levels (an h4 after an h2) breaks the outline that
 * screen readers, the table of contents and the validators follow. It is
 * written one level below the heading before it, with a warning. A chapter
 * starts below its work's title (level 1).
 */
import type {Root} from 'hast'
import {headingRank} from 'hast-util-heading-rank'
import {SKIP, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {warn} from '../messages.ts'

/** A rehype plugin. */
export default function rehypeHeadingLevels() {
  return (tree: Root, file: VFile): void => {
    let previous = 1
    visit(tree, 'element', (node) => {
      // Notes are set apart under their own heading, whatever comes before.
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) return SKIP
      const rank = headingRank(node)
      if (!rank) return undefined
      if (rank > previous + 1) {
        const level = previous + 1
        warn(file, `Heading level skipped (h${rank} after h${previous}): written as h${level}`, node, 'heading-level')
        node.tagName = `h${level}`
        previous = level
      } else {
        previous = rank
      }
      return undefined
    })
  }
}
