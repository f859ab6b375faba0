/**
 * Page templates are plain HTML files in `templates/`, marked with
 * `data-slot` attributes (see templates/html/page.html). Filling one gives a
 * hast tree, so an edition can serialise it as HTML or as XHTML.
 */
import type {ElementContent, Root} from 'hast'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {SKIP, visit} from 'unist-util-visit'
import {TemplateError} from '../errors.ts'
import {readTemplateFile} from '../templates-folder.ts'

/** A slot's value: text, nodes, or nothing (the element is left out). */
export type SlotValue = string | ElementContent[] | undefined

/** A fresh copy of the template at `templates/<name>`. */
export function loadTemplate(name: string): Root {
  const template = readTemplateFile(name, (source) => unified().use(rehypeParse).parse(source))
  if (!template) throw new TemplateError(`Template templates/${name} is missing`)
  return structuredClone(template)
}

/**
 * Fill the slots of a template in place.
 *
 * @param template A tree from `loadTemplate`.
 * @param slots A value for every slot the template names (a missing key is an error).
 */
export function fillTemplate(template: Root, slots: Record<string, SlotValue>, name = 'template'): Root {
  const valueOf = (slot: string): SlotValue => {
    if (!(slot in slots)) throw new TemplateError(`Template ${name} names an unknown slot \`${slot}\``)
    return slots[slot]
  }
  const present = (value: SlotValue): boolean => (Array.isArray(value) ? value.length > 0 : Boolean(value))

  visit(template, (node, index, parent) => {
    if (node.type === 'comment' && parent && index !== undefined) {
      parent.children.splice(index, 1)
      return index
    }
    if (node.type !== 'element' || !parent || index === undefined) return undefined
    const properties = node.properties
    let keep = true
    let filled = false
    for (const key of Object.keys(properties)) {
      if (!key.startsWith('dataSlot')) continue
      const value = valueOf(String(properties[key]))
      delete properties[key]
      const attribute = key.slice('dataSlot'.length)
      if (attribute !== '' && attribute !== 'If') {
        // An attribute without a value is left out; the element stays.
        if (present(value)) properties[attribute[0]!.toLowerCase() + attribute.slice(1)] = value as string
        continue
      }
      if (!present(value)) {
        keep = false
        break
      }
      if (key === 'dataSlot') {
        node.children = typeof value === 'string' ? [{type: 'text', value}] : (value as ElementContent[])
        filled = true
      }
    }
    if (!keep) {
      // Take the line break after it too, so no blank line is left behind.
      const next = parent.children[index + 1]
      const blank = next?.type === 'text' && next.value.trim() === ''
      parent.children.splice(index, blank ? 2 : 1)
      return index
    }
    // Content put into a slot is not template: do not walk it.
    return filled ? SKIP : undefined
  })
  return template
}
