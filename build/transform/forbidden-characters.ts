/**
 * Control characters and code points that XML forbids (U+0000–U+0008,
 * U+000B, U+000C, U+000E–U+001F, U+FFFE, U+FFFF, lone surrogates), and those
 * HTML forbids in text (DEL, C1 controls, noncharacters) are removed from text
 * and attributes, with a warning at the place: no edition may contain them,
 * and an EPUB with one is not well-formed.
 */
import type {Root} from 'hast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {warn} from '../messages.ts'

/** What no edition may contain. */
export const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Characters that may be forbidden (surrogates only when lone): a text without any needs no closer look. */
const suspect = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF\uD800-\uDFFF]/

/** The text without forbidden characters, and the first one removed (U+0002), if any. */
export function withoutForbidden(text: string): {text: string; removed?: string} {
  if (!suspect.test(text)) return {text}
  let first: string | undefined
  const clean = text.replace(forbidden, (character) => {
    first ??= `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
    return ''
  })
  return first === undefined ? {text} : {text: clean, removed: first}
}

/** A rehype plugin. */
export default function rehypeForbiddenCharacters() {
  return (tree: Root, file: VFile): void => {
    visit(tree, (node) => {
      if (node.type === 'text') {
        const {text, removed} = withoutForbidden(node.value)
        if (removed) {
          node.value = text
          warn(file, `Removed a control character (${removed}) that no edition may contain`, node, 'forbidden-character')
        }
      } else if (node.type === 'element') {
        for (const [key, value] of Object.entries(node.properties)) {
          if (typeof value !== 'string') continue
          const {text, removed} = withoutForbidden(value)
          if (removed) {
            node.properties[key] = text
            warn(file, `Removed a control character (${removed}) from an attribute`, node, 'forbidden-character')
          }
        }
      }
    })
  }
}
