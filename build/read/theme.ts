/**
 * Reads a theme's folder: theme.yaml checked like front matter (unknown
 * tokens are warnings with a suggestion, wrong values errors, each at its
 * line and column), and the files it names, each read through
 * ./theme-files.ts: font files, the logo, stylesheets, page templates. What
 * it says is resolved into a whole theme (over Folio's default) by
 * build/pipeline/theme.ts.
 */
import path from 'node:path'
import type {Element, Root} from 'hast'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import type {Point} from 'unist'
import {visit} from 'unist-util-visit'
import * as v from 'valibot'
import {VFile} from 'vfile'
import {pageSizes} from '../document/page-sizes.ts'
import {citationStyles, closingSections, colorTokens, faceRoles, type Face, type FaceRole, type FontFace, type Logo, type ThemeStyles} from '../document/theme.ts'
import {shippedFamilies, shippedFamily} from '../font-packages.ts'
import {fail, warn} from '../messages.ts'
import {templateSlots} from '../templates-folder.ts'
import {readFields, type FieldsKind} from './front-matter.ts'
import {yesOrNo} from './front-matter-schema.ts'
import {imageFromBytes} from './image.ts'
import {prepareFont} from './theme-fonts.ts'
import {readThemeFile, type ThemeFileKind} from './theme-files.ts'

/** The file that makes a folder a theme. */
export const themeFileName = 'theme.yaml'

const themeKind: FieldsKind = {name: 'theme.yaml', field: 'theme field', rule: 'theme'}

const text = v.pipe(v.string('must be text, not a list or a map'), v.trim(), v.minLength(1, 'is empty'))
const color = v.pipe(text, v.regex(/^#([\da-f]{3}|[\da-f]{6})$/i, 'is not a colour: write it as #rrggbb (such as #0a4a7f)'))
const palette = v.object(Object.fromEntries(colorTokens.map((token) => [token, v.optional(color)])) as Record<(typeof colorTokens)[number], v.OptionalSchema<typeof color, undefined>>)
const length = v.pipe(text, v.regex(/^\d+(\.\d+)?\s*(mm|cm|in|pt)$/, 'is not a length (such as 20mm, 2cm, 0.75in or 54pt)'))
const fontFiles = v.object({
  family: v.optional(text),
  regular: text,
  bold: v.optional(text),
  italic: v.optional(text),
  'bold-italic': v.optional(text)
})
const face = v.union([text, fontFiles], `must be a family Folio ships (${shippedFamilies.map((family) => family.family).join(', ')}), or a family's files (regular: fonts/….woff2, bold: …)`)
const stylesheetNames = ['all', 'screen', 'print', 'ereader'] as const

export const themeSchema = v.object({
  /** The organisation the theme is for: the logo's text alternative when the theme gives none. */
  name: v.optional(text),
  colors: v.optional(v.object({light: v.optional(palette), dark: v.optional(palette), print: v.optional(palette)})),
  faces: v.optional(v.object({text: v.optional(face), display: v.optional(face), code: v.optional(face)})),
  logo: v.optional(v.union([text, v.object({file: text, dark: v.optional(text), alt: v.optional(text)})], 'must be an image file (logo.svg), or file: …, dark: …, alt: …')),
  'running-head': v.optional(text),
  page: v.optional(
    v.object({
      size: v.optional(v.picklist(Object.keys(pageSizes), `is not a page size Folio knows (${Object.keys(pageSizes).join(', ')})`)),
      margin: v.optional(v.object({top: v.optional(length), bottom: v.optional(length), inner: v.optional(length), outer: v.optional(length)}))
    })
  ),
  styles: v.optional(v.union([text, v.object(Object.fromEntries(stylesheetNames.map((name) => [name, v.optional(text)])) as Record<(typeof stylesheetNames)[number], v.OptionalSchema<typeof text, undefined>>)], 'must be a stylesheet (styles.css), or one per medium (all, screen, print, ereader)')),
  templates: v.optional(v.object(Object.fromEntries(Object.keys(templateSlots).map((name) => [name, v.optional(text)])) as Record<string, v.OptionalSchema<typeof text, undefined>>)),
  closing: v.optional(v.array(v.picklist(closingSections, `is not a closing section Folio knows (${closingSections.join(', ')})`), 'must be a list of closing sections')),
  'citation-style': v.optional(v.picklist(citationStyles, `is not a citation style Folio knows (${citationStyles.join(', ')})`)),
  /** The cover as the PDF's first page, unless the work says otherwise. */
  'cover-page': v.optional(yesOrNo)
})

export type ThemeFields = v.InferOutput<typeof themeSchema>

/** What a theme's folder says, before it is laid over the default theme. */
export interface ThemeSource {
  /** Its folder's name. */
  name: string
  /** Real path of its folder. */
  folder: string
  /** theme.yaml, with its messages. */
  file: VFile
  /** Every file read that may carry messages: theme.yaml, stylesheets, templates. */
  files: VFile[]
  /** Real paths of the other files read (fonts, logo): a change to one changes the editions. */
  read: string[]
  /** The checked fields; undefined when theme.yaml has errors. */
  fields?: ThemeFields
  placeOf: (keys: Array<string | number>) => Point
  faces: Partial<Record<FaceRole, Face>>
  logo?: Omit<Logo, 'alt'> & {alt?: string}
  styles: ThemeStyles
  templates: Map<string, string>
  setsFonts: boolean
}

/** @param folder Real path of the theme's folder. */
export async function readTheme(folder: string): Promise<ThemeSource> {
  const name = path.basename(folder)
  const yaml = await readThemeFile(folder, themeFileName, 'yaml')
  const file = new VFile({path: path.join(folder, themeFileName)})
  const source: ThemeSource = {name, folder, file, files: [file], read: [], placeOf: () => ({line: 1, column: 1}), faces: {}, styles: {}, templates: new Map(), setsFonts: false}
  if (!yaml.ok) {
    fail(file, `This folder is not a theme: ${yaml.reason}`, undefined, 'theme-missing')
    return source
  }
  file.value = new TextDecoder().decode(yaml.bytes).replace(/\r\n?/g, '\n')
  const {fields, placeOf} = readFields(String(file.value), file, {line: 1, column: 1}, themeSchema, themeKind)
  source.placeOf = placeOf
  if (!fields) return source
  source.fields = fields

  const problem = (reason: string, keys: Array<string | number>) => fail(file, reason, placeOf(keys), 'theme-file')
  const read = async (reference: string, kind: ThemeFileKind, keys: Array<string | number>) => {
    const found = await readThemeFile(folder, reference, kind)
    if (!found.ok) {
      problem(`Theme ${keyText(keys)}: ${found.reason}`, keys)
      return undefined
    }
    source.read.push(found.absolute)
    return found
  }

  for (const role of faceRoles) {
    const given = fields.faces?.[role]
    if (given !== undefined) {
      const found = await readFace(role, given, source, read)
      if (found) source.faces[role] = found
    }
  }

  if (fields.logo) {
    const logo = typeof fields.logo === 'string' ? {file: fields.logo} : fields.logo
    const light = await readLogo(logo.file, logo.dark === undefined ? ['logo'] : ['logo', 'file'], read, problem)
    const dark = logo.dark === undefined ? undefined : await readLogo(logo.dark, ['logo', 'dark'], read, problem)
    if (light) source.logo = {light, ...(dark ? {dark} : {}), ...(logo.alt ? {alt: logo.alt} : {})}
  }

  const styles = typeof fields.styles === 'string' ? {all: fields.styles} : (fields.styles ?? {})
  // A styles.css beside theme.yaml needs no mention.
  if (fields.styles === undefined && (await readThemeFile(folder, 'styles.css', 'stylesheet')).ok) styles.all = 'styles.css'
  for (const medium of stylesheetNames) {
    const reference = styles[medium]
    if (!reference) continue
    const keys = typeof fields.styles === 'string' ? ['styles'] : fields.styles === undefined ? [] : ['styles', medium]
    const found = await read(reference, 'stylesheet', keys)
    if (!found) continue
    const sheet = new VFile({path: found.absolute, value: new TextDecoder().decode(found.bytes)})
    source.files.push(sheet)
    const checked = checkStylesheet(String(sheet.value), sheet)
    source.styles[medium] = checked.css
    source.setsFonts ||= checked.setsFonts
  }

  for (const [template, reference] of Object.entries(fields.templates ?? {})) {
    if (!reference) continue
    const found = await read(reference, 'template', ['templates', template])
    if (!found) continue
    const page = new VFile({path: found.absolute, value: new TextDecoder().decode(found.bytes)})
    source.files.push(page)
    if (checkTemplate(template, page)) source.templates.set(template, String(page.value))
  }
  return source
}

type Reader = (reference: string, kind: ThemeFileKind, keys: Array<string | number>) => Promise<{bytes: Uint8Array; relative: string} | undefined>

async function readFace(role: FaceRole, given: string | v.InferOutput<typeof fontFiles>, source: ThemeSource, read: Reader): Promise<Face | undefined> {
  const {file, placeOf} = source
  if (typeof given === 'string') {
    const shipped = shippedFamily(given)
    if (shipped) return {kind: 'shipped', family: shipped.family}
    const looksLikeFile = /\.(woff2?|ttf|otf)$/i.test(given)
    fail(
      file,
      looksLikeFile
        ? `Theme field \`faces.${role}\` names a file: give it as \`regular: ${given}\` (and bold, italic, bold-italic beside it)`
        : `Theme field \`faces.${role}\`: \`${given}\` is not a family Folio ships (${shippedFamilies.map((family) => family.family).join(', ')}); a family of your own is given by its files (regular: fonts/….woff2)`,
      placeOf(['faces', role]),
      'theme-face'
    )
    return undefined
  }
  const family = given.family ?? `${source.name} ${role}`
  if (shippedFamily(family)) {
    fail(file, `Theme field \`faces.${role}.family\`: \`${family}\` is the name of a family Folio ships; give your own family another name`, placeOf(['faces', role, 'family']), 'theme-face')
    return undefined
  }
  const files: FontFace[] = []
  const variants = [['regular', 400, 'normal'], ['bold', 700, 'normal'], ['italic', 400, 'italic'], ['bold-italic', 700, 'italic']] as const
  for (const [key, weight, style] of variants) {
    const reference = given[key]
    if (!reference) continue
    const found = await read(reference, 'font', ['faces', role, key])
    if (!found) continue
    const prepared = await prepareFont(found.bytes, found.relative, weight, style)
    if (prepared.ok) files.push(prepared.face)
    else fail(file, `Theme field \`faces.${role}.${key}\`: ${prepared.reason}`, placeOf(['faces', role, key]), 'theme-face')
  }
  if (files.length === 0) return undefined
  // Folio never fakes a bold or an italic (Chromium prints them as Type 3 fonts): say which text will be set upright or regular.
  const wanted = role === 'text' ? ['bold', 'italic'] : role === 'display' ? ['bold'] : []
  const missing = wanted.filter((key) => !given[key as 'bold' | 'italic'])
  if (missing.length > 0) {
    warn(file, `Theme face \`${role}\` has no ${missing.join(' or ')} file: such text is set in the regular face (Folio never fakes one)`, placeOf(['faces', role]), 'theme-face-incomplete')
  }
  return {kind: 'theme', family, files}
}

async function readLogo(reference: string, keys: string[], read: Reader, problem: (reason: string, keys: string[]) => void) {
  const found = await read(reference, 'image', keys)
  if (!found) return undefined
  const image = await imageFromBytes(found.bytes, found.relative, reference)
  if (!image.ok) {
    problem(`Theme ${keyText(keys)}: ${image.reason}`, keys)
    return undefined
  }
  if (image.asset.mediaType !== 'image/svg+xml' && image.asset.mediaType !== 'image/png') {
    problem(`Theme ${keyText(keys)}: \`${reference}\` is not an SVG or PNG image`, keys)
    return undefined
  }
  return image.asset
}

function keyText(keys: Array<string | number>): string {
  return `field \`${keys.join('.')}\``
}

/** Custom properties a theme's stylesheet may use: the colour tokens and the faces. */
export const themeProperties = new Set([...colorTokens.map((token) => `--color-${token}`), ...faceRoles.map((role) => `--font-${role}`)])

/**
 * A theme's stylesheet, made safe to embed: `@import` and `url()` to
 * anything but a `data:` address are removed (nothing is fetched, and the
 * HTML page stands alone), with a warning at each. Also says whether it sets
 * fonts, and warns of custom properties that are not tokens (the EPUB's
 * stylesheet has their values written in, and has none for those).
 */
export function checkStylesheet(css: string, file: VFile): {css: string; setsFonts: boolean} {
  const at = (offset: number): Point => {
    const before = css.slice(0, offset).split('\n')
    return {line: before.length, column: before.at(-1)!.length + 1}
  }
  const removals: Array<[number, number, string]> = []
  for (const match of css.matchAll(/@import[^;]*;?/gi)) {
    warn(file, 'A theme\'s stylesheet may not @import: put the rules in the file itself', at(match.index), 'theme-css-import')
    removals.push([match.index, match.index + match[0].length, ''])
  }
  for (const match of css.matchAll(/url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi)) {
    if (/^data:/i.test(match[2]!)) continue
    warn(file, `\`${match[0]}\` is removed: a theme's stylesheet loads no files (fonts go in theme.yaml's faces, the logo in its logo)`, at(match.index), 'theme-css-url')
    removals.push([match.index, match.index + match[0].length, 'none'])
  }
  for (const match of css.matchAll(/var\(\s*(--[\w-]+)/g)) {
    if (!themeProperties.has(match[1]!)) {
      warn(file, `\`${match[1]}\` is not a theme token (${[...themeProperties].join(', ')}): the EPUB has no value for it`, at(match.index), 'theme-css-token')
    }
  }
  let cleaned = css
  for (const [start, end, replacement] of removals.sort((a, b) => b[0] - a[0])) cleaned = cleaned.slice(0, start) + replacement + cleaned.slice(end)
  // Comments do not set fonts.
  const setsFonts = /(^|[{;\s])font(-family|-weight|-style)?\s*:/i.test(cleaned.replace(/\/\*[\s\S]*?\*\//g, ''))
  return {css: cleaned, setsFonts}
}

/** Elements of a template that would load something from outside the page. */
const loading: Record<string, string> = {img: 'src', script: 'src', link: 'href', iframe: 'src', object: 'data', embed: 'src', video: 'src', audio: 'src', source: 'src'}

/**
 * A theme's page template: every slot it names must be one of the
 * template's (templates-folder.ts), and it may load nothing. Errors at
 * their line and column; true when it can be used.
 */
export function checkTemplate(name: string, file: VFile): boolean {
  const tree = unified().use(rehypeParse).parse(String(file.value)) as Root
  const known = templateSlots[name] ?? []
  let usable = true
  visit(tree, 'element', (node: Element) => {
    for (const [key, value] of Object.entries(node.properties)) {
      if (!key.startsWith('dataSlot')) continue
      const slot = String(value)
      if (!known.includes(slot)) {
        fail(file, `Unknown slot \`${slot}\` in ${name}: its slots are ${known.join(', ')}`, node, 'theme-template-slot')
        usable = false
      }
    }
    const attribute = loading[node.tagName]
    const target = attribute ? node.properties[attribute === 'src' ? 'src' : attribute] : undefined
    if (typeof target === 'string' && !/^data:/i.test(target)) {
      fail(file, `<${node.tagName}> in ${name} loads \`${target}\`: a template loads nothing (the logo goes in theme.yaml)`, node, 'theme-template-load')
      usable = false
    }
  })
  return usable
}
