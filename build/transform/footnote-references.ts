/**
 * GFM footnotes that do not meet: a call `[^3]` with no `[^3]: …` is not a
 * footnote to micromark and stays in the text as written; a definition that
 * nothing calls is left out by remark-rehype. Both were silent; each is now
 * a warning at its place.
 */
import type {FootnoteDefinition, Root, Text} from 'mdast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {location} from 'vfile-location'
import {warn} from '../messages.ts'
import {alignWithSource} from './citations/remark.ts'

const call = /\[\^([^\]\s]+)\]/g

/** A remark plugin. */
export default function remarkFootnoteReferences() {
  return (tree: Root, file: VFile): void => {
    const called = new Set<string>()
    const definitions: FootnoteDefinition[] = []
    const texts: Text[] = []
    visit(tree, (node) => {
      if (node.type === 'footnoteReference') called.add(node.identifier.toLowerCase())
      else if (node.type === 'footnoteDefinition') definitions.push(node)
      else if (node.type === 'text' && node.value.includes('[^')) texts.push(node)
    })
    for (const definition of definitions) {
      if (called.has(definition.identifier.toLowerCase())) continue
      warn(file, `Footnote \`[^${definition.label ?? definition.identifier}]\` is defined but never called: it is left out (call it with \`[^${definition.label ?? definition.identifier}]\` in the text)`, definition, 'footnote-unused')
    }
    if (texts.length === 0) return
    const place = location(file)
    const source = String(file.value)
    for (const text of texts) {
      const {offsets, typed} = alignWithSource(text, source)
      for (const match of text.value.matchAll(call)) {
        if (!typed[match.index]) continue
        const offset = offsets[match.index]
        const at = offset === undefined ? text : place.toPoint(offset)
        warn(file, `Footnote \`${match[0]}\` has no definition (\`${match[0]}: …\`): it is shown as written`, at, 'footnote-undefined')
      }
    }
  }
}
