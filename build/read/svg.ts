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
/** Elements that change another attribute over time: `<set attributeName="href" to="javascript:…">`. */
const animations = new Set(['set', 'animate', 'animateMotion', 'animateTransform', 'animateColor', 'discard'])
/** Attributes an animation may not change: they load something, or hold styles that may. */
const unanimatable = /^(href|src|style|base)$/i
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
  if (!root || localName(root.name) !== 'svg') return {ok: false}
  const removed = new Map<string, number>()
  const note = (what: string) => removed.set(what, (removed.get(what) ?? 0) + 1)

  const clean = (element: Element): void => {
    element.children = element.children.filter((child) => {
      if (child.type === 'element' && removedElements.has(localName(child.name))) {
        note(`<${localName(child.name)}>`)
        return false
      }
      if (child.type === 'element' && animations.has(localName(child.name)) && unanimatable.test(localName(String(child.attributes.attributeName ?? '')))) {
        note(`an animation of ${String(child.attributes.attributeName)}`)
        return false
      }
      return child.type !== 'instruction'
    })
    for (const [name, value] of Object.entries(element.attributes)) {
      if (typeof value !== 'string' || /^xmlns(:|$)/.test(name)) continue
      if (/^on/i.test(name)) {
        delete element.attributes[name]
        note('an event handler')
      } else if (name === 'xml:base') {
        delete element.attributes[name]
        note('a reference outside the image')
      } else if (/(^|:)href$/.test(name)) {
        if (!inside.test(value)) {
          delete element.attributes[name]
          note('a reference outside the image')
        }
      } else {
        // `style`, and every presentation attribute (fill, filter, mask, clip-path, marker-*, …) is CSS.
        element.attributes[name] = outsideInStyle(value, note)
      }
    }
    if (localName(element.name) === 'style') {
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

function localName(name: string): string {
  return name.replace(/^.*:/, '')
}

/** CSS functions that load what their strings name, and what may hide one: every one is removed. */
const loadingFunctions = /(?:-webkit-)?image-set\(|image\(|cross-fade\(|element\(|src\(/gi

/**
 * A style sheet or a CSS value without `@import`, and without any `url(…)`,
 * `image-set(…)` or other function that would load something from outside
 * the image. CSS escapes (`u\72l(`) and comments are read as a browser
 * reads them first, so that no spelling hides a reference; when something
 * is removed, the text is written back in that plain spelling.
 */
export function outsideInStyle(css: string, note: (what: string) => void): string {
  const plain = unescapeCss(css)
  if (!/url\(|@import|image-set\(|image\(|cross-fade\(|element\(|src\(/i.test(plain)) return css
  let changed = false
  let result = plain.replace(/@import[^;]*;?/gi, () => {
    changed = true
    note('an @import')
    return ''
  })
  result = replaceCalls(result, /url\(/gi, (argument) => {
    if (inside.test(urlTarget(argument))) return undefined
    changed = true
    note('a reference outside the image')
    return 'none'
  })
  result = replaceCalls(result, loadingFunctions, () => {
    changed = true
    note('a reference outside the image')
    return 'none'
  })
  return changed ? result : css
}

/** Replace each call of a function found by `opening` (up to its balanced `)`, strings respected) with what `replace` gives. */
function replaceCalls(css: string, opening: RegExp, replace: (argument: string) => string | undefined): string {
  let result = ''
  let from = 0
  opening.lastIndex = 0
  for (let match = opening.exec(css); match; match = opening.exec(css)) {
    const start = match.index
    let index = start + match[0].length
    let depth = 1
    let quote = ''
    for (; index < css.length && depth > 0; index++) {
      const character = css[index]!
      if (quote) {
        if (character === '\\') index++
        else if (character === quote) quote = ''
      } else if (character === '"' || character === "'") quote = character
      else if (character === '(') depth++
      else if (character === ')') depth--
    }
    const replacement = replace(css.slice(start + match[0].length, depth === 0 ? index - 1 : index))
    if (replacement !== undefined) {
      result += css.slice(from, start) + replacement
      from = index
    }
    opening.lastIndex = Math.max(index, start + 1)
  }
  return result + css.slice(from)
}

/** The address in a `url(…)` argument: unquoted, or the text of its string. */
function urlTarget(argument: string): string {
  const trimmed = argument.trim()
  const quote = trimmed[0]
  if (quote !== '"' && quote !== "'") return trimmed
  let target = ''
  for (let index = 1; index < trimmed.length && trimmed[index] !== quote; index++) {
    target += trimmed[index] === '\\' ? trimmed[++index] ?? '' : trimmed[index]
  }
  return target
}

/** CSS as the tokenizer sees it: comments gone, `\72` and `\l` escapes replaced by their characters. */
function unescapeCss(css: string): string {
  return css.replace(/\/\*[\s\S]*?(\*\/|$)/g, '').replace(/\\(?:([\da-f]{1,6})[ \t\n\r\f]?|([^\n\r\f\da-f]))/gi, (_, hex: string | undefined, other: string | undefined) => {
    if (hex === undefined) return other ?? ''
    const code = Number.parseInt(hex, 16)
    return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(code)
  })
}
