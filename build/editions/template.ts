/**
 * Page templates are plain HTML files in `templates/`, marked with
 * `data-slot` attributes (see templates/html/page.html). Filling one gives a
 * hast tree, so an edition can serialise it as HTML or as XHTML.
 */
import type {ElementContent, Root} from 'hast'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {SKIP, visit} from 'unist-util-visit'
import type {Theme} from '../document/theme.ts'
import {TemplateError} from '../errors.ts'
import {readTemplateFile, templateSlots} from '../templates-folder.ts'

/** A slot's value: text, nodes, or nothing (the element is left out). */
export type SlotValue = string | ElementContent[] | undefined

const themeTemplates = new Map<string, Root>()

/**
 * A fresh copy of the template `name` (`html/page.html`): the theme's, when
 * it has its own (checked when the theme was read), else Folio's in templates/.
 */
export function loadTemplate(name: string, theme?: Theme): Root {
  const own = theme?.templates.get(name)
  if (own !== undefined) {
    let parsed = themeTemplates.get(own)
    if (!parsed) themeTemplates.set(own, (parsed = unified().use(rehypeParse).parse(own)))
    return structuredClone(parsed)
  }
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
  // The slots an edition fills are the ones a theme's template may use (templates-folder.ts): the two lists are one.
  const known = templateSlots[name]
  if (known && (known.length !== Object.keys(slots).length || known.some((slot) => !(slot in slots)))) {
    throw new TemplateError(`The slots given for ${name} are not its slots: ${Object.keys(slots).filter((slot) => !known.includes(slot)).join(', ')} given, ${known.filter((slot) => !(slot in slots)).join(', ')} missing`)
  }
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
    if (properties.dataSlotReplace !== undefined) {
      // The element stands for the slot's nodes (a list of <meta> in the head): it is replaced by them.
      const value = valueOf(String(properties.dataSlotReplace))
      const nodes = Array.isArray(value) ? value : typeof value === 'string' && value ? [{type: 'text' as const, value}] : []
      const next = parent.children[index + 1]
      const blank = nodes.length === 0 && next?.type === 'text' && next.value.trim() === ''
      parent.children.splice(index, blank ? 2 : 1, ...nodes)
      return [SKIP, index + nodes.length]
    }
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
