/**
 * Hints the stylesheets need and cannot find for themselves (CSS cannot
 * count levels or columns, and e-readers know no :is()):
 *
 * - a block in a script that runs the other way from the work's (an Arabic
 *   paragraph in an English work, say) gets its own `dir`;
 * - lists and quotations nested more than eight levels deep get the class
 *   `deep` (they stop indenting, so that the fiftieth level still fits);
 * - tables of more than six columns get the class `wide` (smaller type in
 *   print and on e-readers).
 */
import type {Element, Root} from 'hast'
import {visit} from 'unist-util-visit'

/** Blocks whose direction follows their text. */
const blocks = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dd', 'dt', 'td', 'th', 'figcaption', 'caption', 'blockquote'])
const nesting = new Set(['ul', 'ol', 'blockquote'])
const maxIndented = 8
const wideColumns = 6

/** Strong right-to-left letters: Hebrew, Arabic, Syriac, Thaana, NKo and their presentation forms. */
const rtl = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFC]/u
const strong = /[\p{L}]/u

/** The direction of a text's first strong letter, if it has one. */
export function directionOf(text: string): 'ltr' | 'rtl' | undefined {
  for (const character of text) {
    if (rtl.test(character)) return 'rtl'
    if (strong.test(character)) return 'ltr'
  }
  return undefined
}

export interface LayoutHintOptions {
  /** Direction of the work's language. */
  dir: 'ltr' | 'rtl'
}

/** A rehype plugin. */
export default function rehypeLayoutHints(options: LayoutHintOptions) {
  return (tree: Root): void => {
    const walk = (node: Root | Element, direction: 'ltr' | 'rtl', depth: number): void => {
      for (const child of node.children) {
        if (child.type !== 'element') continue
        let own = direction
        if (typeof child.properties.dir === 'string' && (child.properties.dir === 'ltr' || child.properties.dir === 'rtl')) {
          own = child.properties.dir
        } else if (blocks.has(child.tagName)) {
          const found = firstDirection(child)
          if (found && found !== direction) {
            child.properties.dir = found
            own = found
          }
        }
        const level = nesting.has(child.tagName) ? depth + 1 : depth
        if (nesting.has(child.tagName) && level > maxIndented) addClass(child, 'deep')
        if (child.tagName === 'table' && columns(child) > wideColumns) addClass(child, 'wide')
        walk(child, own, level)
      }
    }
    walk(tree, options.dir, 0)
  }
}

/** The direction of an element's first strong letter, reading only as far as it. */
function firstDirection(element: Element): 'ltr' | 'rtl' | undefined {
  for (const child of element.children) {
    const found = child.type === 'text' ? directionOf(child.value) : child.type === 'element' ? firstDirection(child) : undefined
    if (found) return found
  }
  return undefined
}

function columns(table: Element): number {
  let most = 0
  visit(table, 'element', (node) => {
    if (node.tagName !== 'tr') return undefined
    most = Math.max(most, node.children.filter((cell) => cell.type === 'element' && (cell.tagName === 'td' || cell.tagName === 'th')).length)
    return 'skip'
  })
  return most
}

function addClass(element: Element, name: string): void {
  const classes = Array.isArray(element.properties.className) ? element.properties.className : []
  element.properties.className = [...classes, name]
}
