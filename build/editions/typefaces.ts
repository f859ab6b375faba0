/**
 * The fonts Folio ships (npm @fontsource packages: TrueType-outline WOFF2,
 * one file per weight, style and script subset; SIL Open Font License).
 * Host fonts are never used, so every machine sets the same text.
 *
 * Each text family has fallbacks for what it lacks: Arabic (Noto Naskh
 * Arabic beside the serif, Noto Sans Arabic beside the sans) and emoji (Noto
 * Emoji: monochrome outlines, because colour emoji fonts become Type 3 fonts
 * in Chromium's PDFs). `fontFilesFor` walks a page and picks, for every
 * character, the face and script subset a browser would use, following the
 * font rules of templates/styles/ (keep `setIn` in step with them).
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {Element, Root} from 'hast'
import {TemplateError} from '../errors.ts'
import {requireFromProject} from '../project.ts'

export interface Face {
  family: string
  /** The @fontsource package id. */
  id: string
  weight: 400 | 700
  style: 'normal' | 'italic'
}

type Role = 'text' | 'display' | 'code'

/** Families by role, the first choice first; the CSS font stacks list the same. */
export const families: Record<Role | 'emoji', Array<{family: string; id: string; italic: boolean; bold: boolean}>> = {
  text: [
    {family: 'Source Serif 4', id: 'source-serif-4', italic: true, bold: true},
    {family: 'Noto Naskh Arabic', id: 'noto-naskh-arabic', italic: false, bold: true}
  ],
  display: [
    {family: 'Source Sans 3', id: 'source-sans-3', italic: true, bold: true},
    {family: 'Noto Sans Arabic', id: 'noto-sans-arabic', italic: false, bold: true}
  ],
  code: [{family: 'Source Code Pro', id: 'source-code-pro', italic: false, bold: false}],
  emoji: [{family: 'Noto Emoji', id: 'noto-emoji', italic: false, bold: false}]
}

/** Every face Folio ships. */
export const faces: Face[] = Object.values(families)
  .flat()
  .flatMap((family) =>
    ([400, 700] as const)
      .filter((weight) => weight === 400 || family.bold)
      .flatMap((weight) => (['normal', 'italic'] as const).filter((style) => style === 'normal' || family.italic).map((style) => ({family: family.family, id: family.id, weight, style})))
  )

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
  {test: (element, _, parent) => element.tagName === 'a' && parent.own.includes('toc-part'), bold: true}
]

/**
 * Mirrors the font-family, -weight and -style rules of base.css, screen.css,
 * print.css and ereader.css; test/typefaces.test.ts holds the two together
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

export interface FontFile {
  face: Face
  subset: string
  /** Path of the WOFF2 file. */
  file: string
  /** CSS unicode-range of the subset. */
  unicodeRange: string
}

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

function fontFile(face: Face, subset: Subset): FontFile {
  const name = `${face.id}-${subset.name}-${face.weight}-${face.style}.woff2`
  const folder = path.dirname(requireFromProject.resolve(`@fontsource/${face.id}/package.json`))
  return {face, subset: subset.name, file: path.join(folder, 'files', name), unicodeRange: subset.css}
}

/**
 * The font files a page needs: for every character of its text, the first
 * family of its role that has it (else the emoji font), in the weight and
 * style its elements give it, and the subset of that family that holds it.
 */
export function fontFilesFor(page: Root): FontFile[] {
  const points = new Map<string, {setting: Setting; points: Set<number>}>()
  const walk = (node: Root | Element, setting: Setting): void => {
    for (const child of node.children) {
      if (child.type === 'element') walk(child, setIn(child, setting))
      else if (child.type === 'text') {
        const key = `${setting.role}:${setting.bold}:${setting.italic}`
        let entry = points.get(key)
        if (!entry) points.set(key, (entry = {setting, points: new Set()}))
        for (const character of child.value) {
          const point = character.codePointAt(0)!
          if (point > 0x20) entry.points.add(point)
        }
      }
    }
  }
  walk(page, rootSetting)

  const files = new Map<string, FontFile>()
  for (const {setting, points: codePoints} of points.values()) {
    for (const point of codePoints) {
      const candidates = [...families[setting.role], ...families.emoji]
      for (const family of candidates) {
        const subset = subsetsOf(family.id).find((item) => covers(item, point))
        if (!subset) continue
        const face: Face = {
          family: family.family,
          id: family.id,
          weight: setting.bold && family.bold ? 700 : 400,
          style: setting.italic && family.italic ? 'italic' : 'normal'
        }
        const file = fontFile(face, subset)
        files.set(file.file, file)
        break
      }
    }
  }
  // In the order of `faces`, then of the subsets: the same page gives the same rules.
  const order = (file: FontFile) => `${faces.findIndex((face) => face.id === file.face.id && face.weight === file.face.weight && face.style === file.face.style).toString().padStart(3, '0')}:${file.file}`
  return [...files.values()].sort((a, b) => (order(a) < order(b) ? -1 : 1))
}

/** Every font file Folio ships: each face in each script subset. */
export function allFontFiles(): FontFile[] {
  return faces.flatMap((face) => subsetsOf(face.id).map((subset) => fontFile(face, subset)))
}

/** `@font-face` rules for the given files; `url` says where each file is found. */
export function fontFaceRules(files: FontFile[], url: (file: FontFile) => string): string {
  return files
    .map(
      (file) => `@font-face {
  font-family: '${file.face.family}';
  font-style: ${file.face.style};
  font-weight: ${file.face.weight};
  font-display: swap;
  src: url(${url(file)}) format('woff2');
  unicode-range: ${file.unicodeRange};
}`
    )
    .join('\n')
}
