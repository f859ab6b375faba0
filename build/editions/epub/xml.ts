/**
 * Every XML file of the EPUB is written here, so that whatever the
 * manuscript holds, the file is well-formed (XML 1.0, §2.2 and §2.4):
 * `]]>` never stands in character data (written `]]&gt;`), and no
 * character XML forbids (lone surrogates, U+FFFE, U+FFFF; the C0 controls
 * are dropped by xast-util-to-xml) reaches a text or an attribute. The
 * transform already removed such characters with a warning; this is the
 * writer's own guarantee, for text that did not come through it.
 */
import type {Element, Root, RootContent} from 'xast'
import {toXml} from 'xast-util-to-xml'

/** What XML 1.0 does not allow as a character, beyond the C0 controls. */
const notXml = /[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** A xast tree as XML text (no declaration). */
export function xmlText(tree: Root | Element, options: {closeEmptyElements?: boolean} = {}): string {
  return toXml(safe(tree), {...options, allowDangerousXml: true})
}

/** The tree with `]]>` in text written as raw `]]&gt;`, and forbidden characters gone (changed in place). */
function safe<Node extends Root | Element>(node: Node): Node {
  if (node.type === 'element') {
    for (const [name, value] of Object.entries(node.attributes)) {
      if (typeof value === 'string') node.attributes[name] = value.replace(notXml, '')
    }
  }
  const children: RootContent[] = []
  for (const child of node.children as RootContent[]) {
    if (child.type === 'element') children.push(safe(child))
    else if (child.type === 'text') {
      const value = child.value.replace(notXml, '')
      // Character data may not contain `]]>` (XML 1.0 §2.4); the raw node is escaped here, by hand.
      children.push(value.includes(']]>') ? ({type: 'raw', value: escapeText(value)} as unknown as RootContent) : {...child, value})
    } else children.push(child)
  }
  node.children = children as Node['children']
  return node
}

function escapeText(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}
