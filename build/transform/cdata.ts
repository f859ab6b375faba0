/**
 * A CDATA section is not HTML: a browser reads it as a comment and shows
 * nothing, and the sanitiser would drop it. Its text is kept as text, with a
 * warning.
 */
import type {Root, Text} from 'mdast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {warn} from '../messages.ts'

const cdata = /^\s*<!\[CDATA\[([\s\S]*?)\]\]>\s*$/

/** A remark plugin. */
export default function remarkCdata() {
  return (tree: Root, file: VFile): void => {
    visit(tree, 'html', (node, index, parent) => {
      const match = cdata.exec(node.value)
      if (!match || !parent || index === undefined) return undefined
      warn(file, 'Raw HTML: a CDATA section is not HTML; its text is kept as text', node, 'raw-html-cdata')
      const text: Text = {type: 'text', value: match[1]!.trim(), ...(node.position ? {position: node.position} : {})}
      // A block of CDATA becomes a paragraph; inline CDATA, text in its paragraph.
      parent.children.splice(index, 1, (parent.type === 'root' || parent.type === 'blockquote' || parent.type === 'listItem' ? {type: 'paragraph', children: [text]} : text) as never)
      return index + 1
    })
  }
}
