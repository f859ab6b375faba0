/**
 * The fonts Folio ships (npm @fontsource packages: TrueType-outline WOFF2,
 * one file per weight, style and script subset; SIL Open Font License).
 * Host fonts are never used, so every machine sets the same text.
 *
 * `selector` lists the elements whose text is set in a face; it mirrors the
 * font rules of templates/styles/base.css and screen.css. It is used to
 * embed only the faces and script subsets a page needs.
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import type {Root} from 'hast'
import {selectAll} from 'hast-util-select'
import {toString} from 'hast-util-to-string'
import {TemplateError} from '../errors.ts'

export interface Face {
  family: string
  /** The @fontsource package id. */
  id: string
  weight: 400 | 700
  style: 'normal' | 'italic'
  /** Elements whose text is set in this face. */
  selector: string
}

const text = {family: 'Source Serif 4', id: 'source-serif-4'}
const display = {family: 'Source Sans 3', id: 'source-sans-3'}
const code = {family: 'Source Code Pro', id: 'source-code-pro'}

const headings = 'h1, h2, h3, h4, h5, h6, .title'
const displayText = '.toc, .skip-link, .downloads, .authors, .colophon, .margin-fonts, caption, figcaption'
const italic = 'em, i, cite, dfn, var'
const bold = 'strong, b, th, dt'

export const faces: Face[] = [
  {...text, weight: 400, style: 'normal', selector: 'body'},
  {...text, weight: 400, style: 'italic', selector: italic},
  {...text, weight: 700, style: 'normal', selector: bold},
  {...text, weight: 700, style: 'italic', selector: `:is(${bold}) :is(${italic}), :is(${italic}) :is(${bold})`},
  {...display, weight: 700, style: 'normal', selector: `${headings}, :is(${displayText}) :is(${bold})`},
  {...display, weight: 700, style: 'italic', selector: `:is(${headings}) :is(${italic})`},
  {...display, weight: 400, style: 'normal', selector: displayText},
  {...display, weight: 400, style: 'italic', selector: `:is(${displayText}) :is(${italic})`},
  {...code, weight: 400, style: 'normal', selector: 'code, kbd, samp, pre'}
]

export interface FontFile {
  face: Face
  subset: string
  /** Path of the WOFF2 file. */
  file: string
  /** CSS unicode-range of the subset. */
  unicodeRange: string
}

const require = createRequire(import.meta.url)
const subsetsById = new Map<string, Array<{name: string; ranges: Array<[number, number]>; css: string}>>()

/** Script subsets of a font package, with their code point ranges. */
function subsetsOf(id: string) {
  let subsets = subsetsById.get(id)
  if (subsets) return subsets
  try {
    const unicode = JSON.parse(readFileSync(require.resolve(`@fontsource/${id}/unicode.json`), 'utf8')) as Record<string, string>
    subsets = Object.entries(unicode).map(([name, css]) => ({name, css, ranges: parseRanges(css)}))
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

function fontFile(face: Face, subset: {name: string; css: string}): FontFile {
  const name = `${face.id}-${subset.name}-${face.weight}-${face.style}.woff2`
  return {face, subset: subset.name, file: path.join(path.dirname(require.resolve(`@fontsource/${face.id}/package.json`)), 'files', name), unicodeRange: subset.css}
}

/**
 * The font files a page needs: a face is needed when some element matches
 * its selector, and of that face only the subsets that hold characters of
 * those elements.
 */
export function fontFilesFor(page: Root): FontFile[] {
  const files: FontFile[] = []
  for (const face of faces) {
    const elements = selectAll(face.selector, page)
    if (elements.length === 0) continue
    const codePoints = new Set<number>()
    for (const element of elements) {
      for (const character of toString(element)) codePoints.add(character.codePointAt(0)!)
    }
    for (const subset of subsetsOf(face.id)) {
      if (subset.ranges.some(([start, end]) => [...codePoints].some((point) => point >= start && point <= end && point > 0x20))) {
        files.push(fontFile(face, subset))
      }
    }
  }
  return files
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
