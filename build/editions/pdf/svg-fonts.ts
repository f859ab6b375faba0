/**
 * Text in an SVG figure set in the house fonts when the SVG asks only for a
 * generic family (`sans-serif`, `serif`, `monospace`): Chromium would take
 * that from the host (Liberation Sans on Debian), a font the book does not
 * use, which differs from machine to machine. An SVG shown as an image
 * cannot load the page's fonts, so the print page gets a copy of the SVG
 * whose generic families name the house family first (the theme's face for
 * the role: display for sans-serif, text for serif, code for monospace),
 * with that family's faces written into it (data URLs, the only fonts an SVG
 * image may load). A family the SVG names itself is left as it is.
 */
import type {Element, Root} from 'xast'
import {fromXml} from 'xast-util-from-xml'
import {toString} from 'xast-util-to-string'
import {toXml} from 'xast-util-to-xml'
import type {Theme} from '../../document/theme.ts'
import {shippedFontBytes} from '../fonts.ts'
import {allFontFiles, familiesFor, type FontFile} from '../typefaces.ts'

const genericRoles: Record<string, 'text' | 'display' | 'code'> = {
  'sans-serif': 'display',
  'ui-sans-serif': 'display',
  'system-ui': 'display',
  serif: 'text',
  'ui-serif': 'text',
  monospace: 'code',
  'ui-monospace': 'code'
}

/** A family list whose first family is generic gets the house family before it. */
function housed(families: string, used: Set<string>, houseFamilies: Record<string, string>): string {
  const first = families.split(',')[0]!.trim().replace(/^(['"])(.*)\1$/, '$2')
  const family = houseFamilies[first.toLowerCase()]
  if (!family) return families
  used.add(family)
  return `'${family}', ${families.trim()}`
}

/** The `font-family` declarations of a style sheet or a style attribute. */
function housedStyle(css: string, used: Set<string>, houseFamilies: Record<string, string>): string {
  return css.replace(/(font-family\s*:\s*)([^;}]+)/gi, (_whole, property: string, families: string) => property + housed(families, used, houseFamilies))
}

/** The SVG with the house fonts, or the same bytes when it asks for no generic family. */
export function svgInHouseFonts(bytes: Uint8Array, theme: Theme): Uint8Array {
  const families = familiesFor(theme)
  const houseFamilies = Object.fromEntries(Object.entries(genericRoles).map(([generic, role]) => [generic, families[role][0]!.family]))
  let tree: Root
  try {
    tree = fromXml(new TextDecoder().decode(bytes))
  } catch {
    return bytes
  }
  const root = tree.children.find((node): node is Element => node.type === 'element')
  if (!root) return bytes
  const used = new Set<string>()
  const visit = (element: Element): void => {
    const family = element.attributes['font-family']
    if (typeof family === 'string') element.attributes['font-family'] = housed(family, used, houseFamilies)
    const style = element.attributes.style
    if (typeof style === 'string') element.attributes.style = housedStyle(style, used, houseFamilies)
    if (element.name.replace(/^.*:/, '') === 'style') {
      for (const child of element.children) if (child.type === 'text' || child.type === 'cdata') child.value = housedStyle(child.value, used, houseFamilies)
    }
    for (const child of element.children) if (child.type === 'element') visit(child)
  }
  visit(root)
  if (used.size === 0) return bytes
  // The faces of the families used, in the script subsets the image's text needs.
  const points = [...toString(root)].map((character) => character.codePointAt(0)!)
  const covers = (file: FontFile) =>
    file.kind === 'theme' ? points.some((point) => file.points.has(point)) : file.unicodeRange.split(',').some((range) => {
      const [start, end] = range.trim().replace(/^U\+/i, '').split('-').map((value) => Number.parseInt(value, 16))
      return points.some((point) => point >= start! && point <= (end ?? start!))
    })
  const faces = allFontFiles(theme).filter((file) => used.has(file.family) && covers(file))
  const rules = faces
    .map((file) => {
      const family = `font-family: '${file.family.replace(/['\\]/g, '\\$&')}'; font-style: ${file.style}; font-weight: ${file.weight};`
      return file.kind === 'shipped'
        ? `@font-face { ${family} src: url(data:font/woff2;base64,${Buffer.from(shippedFontBytes(file.file)).toString('base64')}) format('woff2'); unicode-range: ${file.unicodeRange}; }`
        : `@font-face { ${family} src: url(data:font/ttf;base64,${Buffer.from(file.font.printable).toString('base64')}) format('truetype'); }`
    })
    .join('\n')
  root.children.unshift({type: 'element', name: 'style', attributes: {}, children: [{type: 'text', value: rules}]})
  return new TextEncoder().encode(toXml(tree))
}
