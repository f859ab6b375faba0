/**
 * The faces a page is set in: the theme's face for each role (text,
 * display, code: a family Folio ships, or the theme's own files), then
 * Folio's own family for that role, then fallbacks Folio also ships for
 * what those lack: Arabic (Noto Naskh Arabic beside the serif, Noto Sans
 * Arabic beside the sans) and emoji (Noto Emoji: monochrome outlines,
 * because colour emoji fonts become Type 3 fonts in Chromium's PDFs). Host
 * fonts are never used, so every machine sets the same text.
 *
 * `fontFilesFor` walks a page and picks, for every character, the face a
 * browser would use, following the font rules of templates/styles/ (keep
 * `setIn` in step with them). When a theme's stylesheet sets fonts itself,
 * every face of every family goes in instead, for the characters it has.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {Element, Root} from 'hast'
import type {FaceRole, FontFace, Theme} from '../document/theme.ts'
import {TemplateError} from '../errors.ts'
import {shippedFamily, type ShippedFamily} from '../font-packages.ts'
import {requireFromProject} from '../project.ts'

type Role = FaceRole

/** A family of a font stack: one Folio ships (a file per subset), or the theme's own (a file per face). */
export type Family = ({kind: 'shipped'} & ShippedFamily) | {kind: 'theme'; family: string; files: FontFace[]}

/** Folio's own family for each role: the default theme's, and the fallback behind a theme's. */
const roleFamilies: Record<Role, string> = {text: 'Source Serif 4', display: 'Source Sans 3', code: 'Source Code Pro'}
const arabicFamilies: Partial<Record<Role, string>> = {text: 'Noto Naskh Arabic', display: 'Noto Sans Arabic'}
const genericFamilies: Record<Role, string> = {text: "Georgia, 'Times New Roman', serif", display: "'Helvetica Neue', Arial, sans-serif", code: 'Menlo, Consolas, monospace'}

const shipped = (name: string): Family => ({kind: 'shipped', ...shippedFamily(name)!})

/** Families by role, the first choice first; the CSS font stacks (`fontStack`) list the same. */
export function familiesFor(theme: Theme): Record<Role | 'emoji', Family[]> {
  const stack = (role: Role): Family[] => {
    const face = theme.faces[role]
    const first: Family = face.kind === 'theme' ? {kind: 'theme', family: face.family, files: face.files} : shipped(face.family)
    const names = [roleFamilies[role], arabicFamilies[role]].filter((name): name is string => name !== undefined && name !== first.family)
    return [first, ...names.map(shipped)]
  }
  return {text: stack('text'), display: stack('display'), code: stack('code'), emoji: [shipped('Noto Emoji')]}
}

/** The CSS font-family of a role: its families, the emoji font, and a generic family. */
export function fontStack(theme: Theme, role: Role): string {
  const families = familiesFor(theme)
  return [...families[role], ...families.emoji].map((family) => quotedFamily(family.family)).concat(genericFamilies[role]).join(', ')
}

/** A family's name as a CSS string. */
function quotedFamily(name: string): string {
  return `'${name.replace(/['\\]/g, '\\$&')}'`
}

/** How the stylesheets set an element's text, given how its parent's is set. */
export interface Setting {
  role: Role
  bold: boolean
  italic: boolean
  /** Classes of the element and its ancestors, for rules that depend on where an element stands. */
  within: readonly string[]
  /** Classes of the element itself, for rules on its children (`li.toc-part > a`). */
  own: readonly string[]
}

const headings = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'])
const displayTags = new Set(['caption', 'figcaption'])
const displayClasses = ['title', 'toc', 'skip-link', 'downloads', 'authors', 'colophon', 'margin-fonts', 'callout-label', 'series', 'edition']
const codeTags = new Set(['code', 'kbd', 'samp', 'pre'])
const boldTags = new Set(['strong', 'b', 'th', 'dt'])
const boldClasses = ['callout-label', 'figure-label', 'table-label', 'part-title']
const italicTags = new Set(['em', 'i', 'cite', 'dfn', 'var'])
const italicClasses = ['pullquote']

/** Rules that depend on where an element stands: `.title-page .publisher`, `.copyright-page .abstract`, `li.toc-part > a`. */
const placedRules: Array<{test: (element: Element, classes: string[], parent: Setting) => boolean; display?: true; bold?: true; italic?: true}> = [
  {test: (_, classes, parent) => classes.includes('publisher') && parent.within.some((name) => name === 'title-page' || name === 'titlepage'), display: true, bold: true},
  {test: (_, classes, parent) => classes.includes('abstract') && parent.within.includes('copyright-page'), italic: true},
  {test: (element, _, parent) => element.tagName === 'a' && parent.own.includes('toc-part'), bold: true},
  {test: (_, classes, parent) => classes.some((name) => name === 'masthead' || name === 'date' || name === 'report-number') && parent.within.includes('title-block'), display: true}
]

/**
 * Mirrors the font-family, -weight and -style rules of base.css, screen.css,
 * print.css and ereader.css; test/typefaces.exhaustive.ts holds the two together
 * by asking Chromium how it sets each element of real pages.
 */
export function setIn(element: Element, parent: Setting): Setting {
  const classes = Array.isArray(element.properties.className) ? element.properties.className.map(String) : []
  const placed = placedRules.filter((rule) => rule.test(element, classes, parent))
  const heading = headings.has(element.tagName) || classes.includes('title')
  const display = heading || displayTags.has(element.tagName) || classes.some((name) => displayClasses.includes(name)) || placed.some((rule) => rule.display)
  return {
    role: codeTags.has(element.tagName) || parent.role === 'code' ? 'code' : display ? 'display' : parent.role,
    bold: parent.bold || heading || boldTags.has(element.tagName) || classes.some((name) => boldClasses.includes(name)) || placed.some((rule) => rule.bold),
    italic: parent.italic || italicTags.has(element.tagName) || classes.some((name) => italicClasses.includes(name)) || placed.some((rule) => rule.italic),
    within: classes.length > 0 ? [...parent.within, ...classes] : parent.within,
    own: classes
  }
}

/** How a page's root is set: running text, regular, upright. */
export const rootSetting: Setting = {role: 'text', bold: false, italic: false, within: [], own: []}

/** A shipped font file: one face in one script subset. */
export interface ShippedFontFile {
  kind: 'shipped'
  family: string
  id: string
  weight: 400 | 700
  style: 'normal' | 'italic'
  subset: string
  /** Path of the WOFF2 file. */
  file: string
  /** CSS unicode-range of the subset. */
  unicodeRange: string
}

/** One face of a theme's family, with the characters of the page set in it. */
export interface ThemeFontFile {
  kind: 'theme'
  family: string
  weight: 400 | 700
  style: 'normal' | 'italic'
  font: FontFace
  /** Code points to keep when the font is subset for embedding. */
  points: Set<number>
}

export type FontFile = ShippedFontFile | ThemeFontFile

interface Subset {
  name: string
  css: string
  ranges: Array<[number, number]>
}

const subsetsById = new Map<string, Subset[]>()

/** Script subsets of a font package, with their code point ranges. */
function subsetsOf(id: string): Subset[] {
  let subsets = subsetsById.get(id)
  if (subsets) return subsets
  try {
    const unicode = JSON.parse(readFileSync(requireFromProject.resolve(`@fontsource/${id}/unicode.json`), 'utf8')) as Record<string, string>
    // Noto Emoji names its subsets "[0]", "[1]", …; the files say 0, 1, ….
    subsets = Object.entries(unicode).map(([name, css]) => ({name: name.replace(/^\[(\d+)\]$/, '$1'), css, ranges: parseRanges(css)}))
  } catch (error) {
    throw new TemplateError(`The font package @fontsource/${id} is missing: run npm ci`, {cause: error})
  }
  subsetsById.set(id, subsets)
  return subsets
}

/** `U+0000-00FF,U+0131` → [[0, 255], [305, 305]]. */
function parseRanges(css: string): Array<[number, number]> {
  return css.split(',').map((range) => {
    const [start, end] = range.trim().replace(/^U\+/i, '').split('-')
    return [Number.parseInt(start!, 16), Number.parseInt(end ?? start!, 16)]
  })
}

function covers(subset: Subset, point: number): boolean {
  return subset.ranges.some(([start, end]) => point >= start && point <= end)
}

/** Where a font package is, looked up once (a lookup reads the disk; a page asks for every character). */
const packageFolders = new Map<string, string>()
function packageFolder(id: string): string {
  let folder = packageFolders.get(id)
  if (folder === undefined) {
    folder = path.dirname(requireFromProject.resolve(`@fontsource/${id}/package.json`))
    packageFolders.set(id, folder)
  }
  return folder
}

function shippedFile(family: ShippedFamily, weight: 400 | 700, style: 'normal' | 'italic', subset: Subset): ShippedFontFile {
  const name = `${family.id}-${subset.name}-${weight}-${style}.woff2`
  const folder = packageFolder(family.id)
  return {kind: 'shipped', family: family.family, id: family.id, weight, style, subset: subset.name, file: path.join(folder, 'files', name), unicodeRange: subset.css}
}

/** The face of a theme family a browser picks for bold or italic text: the exact one, else the regular weight, else upright (nothing is faked). */
function themeFace(files: FontFace[], bold: boolean, italic: boolean): FontFace {
  const weight = bold ? 700 : 400
  const style = italic ? 'italic' : 'normal'
  return (
    files.find((file) => file.weight === weight && file.style === style) ??
    files.find((file) => file.weight === 400 && file.style === style) ??
    files.find((file) => file.weight === weight && file.style === 'normal') ??
    files.find((file) => file.weight === 400 && file.style === 'normal') ??
    files[0]!
  )
}

/** Every code point of a page's text. */
export function pagePoints(page: Root): Set<number> {
  return new Set([...pointsBySetting(page).values()].flatMap((entry) => [...entry.points]))
}

/** A pattern for the first character of a text that is not among `points` (nor a space or a control character below it). */
function unseenIn(points: Set<number>): RegExp {
  return new RegExp(`[^\\0-\\x20${[...points].map((point) => `\\u{${point.toString(16)}}`).join('')}]`, 'gu')
}

/**
 * Text points of a page by how they are set. Each text is searched for
 * characters not seen before by one regular expression, made again when
 * one is found: nearly every character has been seen, and reading every one
 * in a loop took 40–50 ms of the 50x work's print page.
 */
function pointsBySetting(page: Root): Map<string, {setting: Setting; points: Set<number>}> {
  const points = new Map<string, {setting: Setting; points: Set<number>; unseen: RegExp}>()
  const walk = (node: Root | Element, setting: Setting): void => {
    for (const child of node.children) {
      if (child.type === 'element') walk(child, setIn(child, setting))
      else if (child.type === 'text') {
        const key = `${setting.role}:${setting.bold}:${setting.italic}`
        let entry = points.get(key)
        if (!entry) points.set(key, (entry = {setting, points: new Set(), unseen: unseenIn(new Set())}))
        const value = child.value
        let unseen = entry.unseen
        unseen.lastIndex = 0
        for (let match = unseen.exec(value); match; match = unseen.exec(value)) {
          entry.points.add(match[0].codePointAt(0)!)
          unseen = entry.unseen = unseenIn(entry.points)
          unseen.lastIndex = match.index + match[0].length
        }
      }
    }
  }
  walk(page, rootSetting)
  return points
}

/**
 * The font files a page needs: for every character of its text, the first
 * family of its role that has it (else the emoji font), in the weight and
 * style its elements give it, and the subset of that family that holds it.
 */
export function fontFilesFor(page: Root, theme: Theme): FontFile[] {
  return fontFilesFrom([...pointsBySetting(page).values()], theme)
}

/**
 * What the print page loads before its first layout (pdf/print-page.ts):
 * the faces it needs (`files`, each also preloaded), and the font
 * shorthand and text that `document.fonts.load` is asked for so that every
 * face a layout will look for is loaded first (`loads`): each face with the
 * characters of the page it holds, and, for text with soft hyphens, the
 * hyphen U+2010 down the whole stack, which Chromium looks for in every
 * family of the stack (loading each face whose range holds it) before it
 * draws a hyphen.
 */
export function facesToLoad(page: Root, theme: Theme): {files: FontFile[]; loads: Array<{font: string; text: string}>} {
  const settings = [...pointsBySetting(page).values()]
  const all = [...new Set(settings.flatMap((entry) => [...entry.points]))].sort((a, b) => a - b)
  const files = fontFilesFrom(settings, theme)
  const faces = files.map((file) => {
    const ranges = file.kind === 'shipped' ? parseRanges(file.unicodeRange) : []
    const holds = file.kind === 'theme' ? (point: number) => file.font.coverage.has(point) : (point: number) => ranges.some(([start, end]) => point >= start && point <= end)
    return {font: `${file.style} ${file.weight} 16px ${quotedFamily(file.family)}`, text: String.fromCodePoint(...all.filter(holds))}
  })
  const hyphens = new Set(settings.filter(({points}) => points.has(0xad)).map(({setting}) => `${setting.italic ? 'italic' : 'normal'} ${setting.bold ? 700 : 400} 16px ${fontStack(theme, setting.role)}`))
  return {files, loads: [...faces, ...[...hyphens].map((font) => ({font, text: '\u2010'}))]}
}

function fontFilesFrom(settings: Array<{setting: Setting; points: Set<number>}>, theme: Theme): FontFile[] {
  const families = familiesFor(theme)
  const shippedFiles = new Map<string, ShippedFontFile>()
  const themeFiles = new Map<FontFace, ThemeFontFile>()
  const addThemePoint = (family: string, font: FontFace, point: number): void => {
    let file = themeFiles.get(font)
    if (!file) themeFiles.set(font, (file = {kind: 'theme', family, weight: font.weight, style: font.style, font, points: new Set()}))
    file.points.add(point)
  }

  if (theme.setsFonts) {
    // The theme's stylesheet may set any element in any face: every face of every family, for the characters it has.
    const all = new Set(settings.flatMap((entry) => [...entry.points]))
    for (const family of uniqueFamilies(families)) {
      if (family.kind === 'theme') {
        for (const font of family.files) for (const point of all) if (font.coverage.has(point)) addThemePoint(family.family, font, point)
        continue
      }
      for (const [weight, style] of variantsOf(family)) {
        for (const subset of subsetsOf(family.id)) {
          if ([...all].some((point) => covers(subset, point))) {
            const file = shippedFile(family, weight, style, subset)
            shippedFiles.set(file.file, file)
          }
        }
      }
    }
  } else {
    for (const {setting, points} of settings) {
      for (const point of points) {
        for (const family of [...families[setting.role], ...families.emoji]) {
          if (family.kind === 'theme') {
            const font = themeFace(family.files, setting.bold, setting.italic)
            if (!font.coverage.has(point)) continue
            addThemePoint(family.family, font, point)
            break
          }
          const subset = subsetsOf(family.id).find((item) => covers(item, point))
          if (!subset) continue
          const file = shippedFile(family, setting.bold && family.bold ? 700 : 400, setting.italic && family.italic ? 'italic' : 'normal', subset)
          shippedFiles.set(file.file, file)
          break
        }
      }
    }
  }
  return ordered([...themeFiles.values(), ...shippedFiles.values()], families)
}

/** Every family of the stacks once, in their order. */
function uniqueFamilies(families: Record<Role | 'emoji', Family[]>): Family[] {
  const seen = new Map<string, Family>()
  for (const family of Object.values(families).flat()) if (!seen.has(family.family)) seen.set(family.family, family)
  return [...seen.values()]
}

function variantsOf(family: ShippedFamily): Array<[400 | 700, 'normal' | 'italic']> {
  return ([400, 700] as const).filter((weight) => weight === 400 || family.bold).flatMap((weight) => (['normal', 'italic'] as const).filter((style) => style === 'normal' || family.italic).map((style) => [weight, style] as [400 | 700, 'normal' | 'italic']))
}

/** In the order of the families, then weight, style and subset: the same page gives the same rules. */
function ordered(files: FontFile[], families: Record<Role | 'emoji', Family[]>): FontFile[] {
  const names = uniqueFamilies(families).map((family) => family.family)
  const key = (file: FontFile) => `${String(names.indexOf(file.family)).padStart(3, '0')}:${file.weight}:${file.style}:${file.kind === 'shipped' ? file.file : file.font.path}`
  return files.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/** Every font file of a theme's stacks: each shipped face in each script subset, and each of the theme's faces (for the PDF's page, where Chromium loads only those it uses). */
export function allFontFiles(theme: Theme): FontFile[] {
  const families = familiesFor(theme)
  return ordered(
    uniqueFamilies(families).flatMap((family): FontFile[] =>
      family.kind === 'theme'
        ? family.files.map((font) => ({kind: 'theme', family: family.family, weight: font.weight, style: font.style, font, points: font.coverage}))
        : variantsOf(family).flatMap(([weight, style]) => subsetsOf(family.id).map((subset) => shippedFile(family, weight, style, subset)))
    ),
    families
  )
}

/** `@font-face` rules for the given files; `source` says where each file is found and in what format. */
export function fontFaceRules(files: FontFile[], source: (file: FontFile) => {url: string; format: 'woff2' | 'truetype' | 'opentype'}): string {
  return files
    .map((file) => {
      const {url, format} = source(file)
      return `@font-face {
  font-family: ${quotedFamily(file.family)};
  font-style: ${file.style};
  font-weight: ${file.weight};
  font-display: swap;
  src: url(${url}) format('${format}');${file.kind === 'shipped' ? `\n  unicode-range: ${file.unicodeRange};` : ''}
}`
    })
    .join('\n')
}
