/**
 * An SVG image is a document that can run scripts and load files. Before
 * any edition carries one, it loses its scripts, event handlers,
 * `<foreignObject>` (HTML inside SVG) and every reference to something
 * outside it (`href` to a file or an address, `url(…)` and `@import` in its
 * styles). What was removed is reported; an SVG that is not well-formed XML
 * (or declares entities) is refused.
 */
import type {Element, Root} from 'xast'
import {fromXml} from 'xast-util-from-xml'
import {toXml} from 'xast-util-to-xml'

const removedElements = new Set(['script', 'foreignObject', 'iframe', 'embed', 'object', 'handler', 'listener'])
/** References that stay inside the image: a fragment, or a raster image written into it. */
const inside = /^\s*(#|data:image\/(png|jpeg|gif|webp);)/i

export type SvgResult = {ok: true; bytes: Uint8Array; removed: string[]} | {ok: false}

export function cleanSvg(bytes: Uint8Array): SvgResult {
  let tree: Root
  try {
    tree = fromXml(new TextDecoder().decode(bytes))
  } catch {
    return {ok: false}
  }
  const root = tree.children.find((node): node is Element => node.type === 'element')
  if (!root || root.name.replace(/^.*:/, '') !== 'svg') return {ok: false}
  const removed = new Map<string, number>()
  const note = (what: string) => removed.set(what, (removed.get(what) ?? 0) + 1)

  const clean = (element: Element): void => {
    element.children = element.children.filter((child) => {
      if (child.type === 'element' && removedElements.has(child.name.replace(/^.*:/, ''))) {
        note(`<${child.name.replace(/^.*:/, '')}>`)
        return false
      }
      return child.type !== 'instruction'
    })
    for (const [name, value] of Object.entries(element.attributes)) {
      if (/^on/i.test(name)) {
        delete element.attributes[name]
        note('an event handler')
      } else if (/(^|:)href$/.test(name) && typeof value === 'string' && !inside.test(value)) {
        delete element.attributes[name]
        note('a reference outside the image')
      } else if (name === 'style' && typeof value === 'string') {
        element.attributes[name] = outsideInStyle(value, note)
      }
    }
    if (element.name === 'style') {
      for (const child of element.children) if (child.type === 'text' || child.type === 'cdata') child.value = outsideInStyle(child.value, note)
    }
    for (const child of element.children) if (child.type === 'element') clean(child)
  }
  tree.children = tree.children.filter((node) => node.type !== 'doctype' && node.type !== 'instruction')
  clean(root)
  const list = [...removed].map(([what, count]) => (count > 1 ? `${count} × ${what}` : what))
  if (list.length === 0) return {ok: true, bytes, removed: []}
  return {ok: true, bytes: new TextEncoder().encode(`${toXml(tree)}\n`), removed: list}
}

/** `@import` and `url(…)` to anything outside the image, out of a style sheet or attribute. */
function outsideInStyle(css: string, note: (what: string) => void): string {
  return css
    .replace(/@import[^;]*;?/gi, () => {
      note('an @import')
      return ''
    })
    .replace(/url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi, (match, _quote: string, target: string) => {
      if (inside.test(target)) return match
      note('a reference outside the image')
      return 'none'
    })
}
