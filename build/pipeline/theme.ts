/**
 * Which theme a work is published in, and the whole theme: the work's
 * front matter (or book.yaml) names one, else the folder of works'
 * folio.yaml, else Folio's default (templates/themes/default/). A theme
 * names only what it changes; everything else is the default's, and the
 * colours it leaves out are derived from its brand colour
 * (docs/decisions/0010-themes.md).
 */
import {realpath, stat} from 'node:fs/promises'
import path from 'node:path'
import type {Point} from 'unist'
import type {VFile} from 'vfile'
import {contrast, withContrast} from '../document/colors.ts'
import {colorSchemes, textOnBackground, type ColorScheme, type Palette, type Theme, type ThemePage} from '../document/theme.ts'
import {fail, warn} from '../messages.ts'
import {readTheme, themeFileName, type ThemeSource} from '../read/theme.ts'
import {isInside} from '../read/work-folder.ts'
import {templatesFolder} from '../templates-folder.ts'

/** The folder of Folio's own theme. */
export const defaultThemeFolder = path.join(templatesFolder, 'themes', 'default')

/** Placeholders the running head may hold. */
export const runningHeadFields = ['title', 'short-title', 'series', 'publisher', 'report-number'] as const

/** Where a theme was named: the file, the place of the field, and the folder its path is relative to. */
export interface ThemeRequest {
  name: string
  file: VFile
  place: Point
  /** Folder of the file that names it. */
  from: string
}

export interface ResolvedTheme {
  /** Undefined when the theme has errors. */
  theme?: Theme
  /** Files read, with their messages (theme.yaml, stylesheets, templates). */
  files: VFile[]
  /** Every file the theme read, for the work's fingerprint. */
  dependencies: string[]
}

let defaultSource: {modified: number; source: Promise<ThemeSource>} | undefined

/** Folio's own theme, read again only when its theme.yaml changes. */
async function defaultTheme(): Promise<ThemeSource> {
  const modified = (await stat(path.join(defaultThemeFolder, themeFileName))).mtimeMs
  if (defaultSource?.modified !== modified) defaultSource = {modified, source: readTheme(await realpath(defaultThemeFolder))}
  return defaultSource.source
}

/**
 * @param request Where the work (or folio.yaml) names a theme; undefined for the default.
 * @param worksFolder Real path of the folder that holds the work: no theme outside it is read.
 */
export async function resolveTheme(request: ThemeRequest | undefined, worksFolder: string): Promise<ResolvedTheme> {
  const base = await defaultTheme()
  if (base.fields === undefined) throw new Error(`Folio's default theme is broken: ${base.file.messages.map(String).join('; ')}`)
  if (!request || request.name === 'default') return {theme: merge(base, base), files: [], dependencies: [base.file.path]}

  const wanted = path.resolve(request.from, ...request.name.split('/'))
  const refuse = (reason: string): ResolvedTheme => {
    fail(request.file, reason, request.place, 'theme-missing')
    return {files: [], dependencies: []}
  }
  if (path.isAbsolute(request.name) || !isInside(worksFolder, wanted)) {
    return refuse(`Theme \`${request.name}\` is outside the folder of works (${path.basename(worksFolder)}/): a theme must be inside it`)
  }
  let folder: string
  try {
    folder = await realpath(wanted)
  } catch {
    return refuse(`Theme \`${request.name}\` not found: name a folder with a ${themeFileName}, relative to ${path.basename(request.file.path)}`)
  }
  if (!isInside(worksFolder, folder)) return refuse(`Theme \`${request.name}\` leads outside the folder of works (a symbolic link): a theme must be inside it`)
  if (!(await stat(folder)).isDirectory()) return refuse(`Theme \`${request.name}\` is not a folder: name the folder that holds ${themeFileName}`)

  const source = await readTheme(folder)
  const dependencies = source.files.map((file) => file.path)
  if (!source.fields || source.files.some((file) => file.messages.some((message) => message.fatal))) {
    return {files: source.files, dependencies}
  }
  return {theme: merge(source, base), files: source.files, dependencies: [...dependencies, ...source.read]}
}

/** A theme's own fields over the default theme's. */
function merge(source: ThemeSource, base: ThemeSource): Theme {
  const fields = source.fields!
  const defaults = base.fields!
  const colors = resolveColors(source, base)
  return {
    name: source === base ? 'default' : source.name,
    folder: source.folder,
    colors,
    faces: {
      text: source.faces.text ?? base.faces.text!,
      display: source.faces.display ?? base.faces.display!,
      code: source.faces.code ?? base.faces.code!
    },
    ...(source.logo ? {logo: {...source.logo, alt: source.logo.alt ?? fields.name ?? ''}} : {}),
    runningHead: runningHead(source) ?? defaults['running-head']!,
    page: page(fields.page),
    styles: source.styles,
    templates: source.templates,
    closing: fields.closing ?? defaults.closing!,
    citationStyle: fields['citation-style'] ?? defaults['citation-style']!,
    coverPage: fields['cover-page'] ?? defaults['cover-page'] ?? false,
    setsFonts: source.setsFonts
  }
}

/**
 * Every token in every scheme: the theme's, else derived from its brand
 * colour (the accent is the brand, darkened or lightened until it reads on
 * the background), else the default's. A pair of text and background
 * colours under 4.5:1 is a warning at the token.
 */
function resolveColors(source: ThemeSource, base: ThemeSource): Record<ColorScheme, Palette> {
  const given = source.fields!.colors ?? {}
  const defaults = base.fields!.colors!
  const light = {...defaults.light, ...given.light} as Palette
  if (given.light?.brand && !given.light.accent) light.accent = withContrast(given.light.brand, light.background, 4.5)
  const dark = {...defaults.dark, ...given.dark} as Palette
  if (given.light?.brand && !given.dark?.brand) dark.brand = given.light.brand
  if (given.light?.brand && !given.dark?.accent) dark.accent = withContrast(given.light.brand, dark.background, 7)
  const print = {...light, ...defaults.print, ...given.print} as Palette
  if (given.light?.accent || given.light?.brand) print.accent = light.accent
  const colors = {light, dark, print}

  if (source !== base) {
    for (const scheme of colorSchemes) {
      for (const [foreground, background] of textOnBackground) {
        if (scheme !== 'light' && foreground === 'on-brand') continue
        const ratio = contrast(colors[scheme][foreground], colors[scheme][background])
        if (ratio >= 4.5) continue
        const own = given[scheme]?.[foreground] ? foreground : given[scheme]?.[background] ? background : undefined
        warn(
          source.file,
          `Theme colours ${scheme}.${foreground} (${colors[scheme][foreground]}) on ${scheme}.${background} (${colors[scheme][background]}) have a contrast of ${ratio.toFixed(2)}:1; text needs at least 4.5:1`,
          source.placeOf(own ? ['colors', scheme, own] : given[scheme] ? ['colors', scheme] : ['colors']),
          'theme-contrast'
        )
      }
    }
  }
  return colors
}

/** The running head as the theme writes it, its placeholders checked. */
function runningHead(source: ThemeSource): string | undefined {
  const written = source.fields!['running-head']
  if (written === undefined) return undefined
  for (const match of written.matchAll(/\{([^}]*)\}/g)) {
    if (!(runningHeadFields as readonly string[]).includes(match[1]!)) {
      warn(source.file, `Unknown placeholder \`{${match[1]}}\` in the running head: one of ${runningHeadFields.map((name) => `{${name}}`).join(', ')}`, source.placeOf(['running-head']), 'theme-running-head')
    }
  }
  return written
}

const millimetres: Record<string, number> = {mm: 1, cm: 10, in: 25.4, pt: 25.4 / 72}

function page(given: NonNullable<ThemeSource['fields']>['page']): ThemePage {
  if (!given) return {}
  const margin: NonNullable<ThemePage['margin']> = {}
  for (const [side, length] of Object.entries(given.margin ?? {})) {
    if (!length) continue
    const [, number, unit] = /^([\d.]+)\s*(mm|cm|in|pt)$/.exec(length)!
    margin[side as keyof typeof margin] = Number(number) * millimetres[unit!]!
  }
  return {...(given.size ? {size: given.size} : {}), ...(Object.keys(margin).length > 0 ? {margin} : {})}
}
