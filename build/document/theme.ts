/**
 * A theme: a publisher's house style, read from a folder with a theme.yaml
 * (build/read/theme.ts) and named by a work, its book.yaml or the folder of
 * works' folio.yaml (docs/decisions/0010-themes.md). Folio's own look is
 * the theme in templates/themes/default/. Editions read only this model:
 * every colour of the stylesheets is one of its tokens, every face one of
 * its faces.
 */

/** An image of the theme's (its logo), read from inside its folder. */
export interface ThemeImage {
  /** Path inside the theme's folder. */
  path: string
  mediaType: string
  bytes: Uint8Array
  width?: number
  height?: number
}

/** The colours a theme sets, in every scheme. */
export const colorTokens = ['brand', 'accent', 'text', 'muted', 'rule', 'background', 'surface', 'on-brand'] as const
export type ColorToken = (typeof colorTokens)[number]

/** What each colour is for: the docs and the contrast check say the same. */
export const colorUses: Record<ColorToken, string> = {
  brand: 'the house colour: the rule over the title, the callouts\' frames, the drawn cover',
  accent: 'links, callout labels and the rule over the title, on the page',
  text: 'running text',
  muted: 'subtitles, captions, the series, the date, the footer',
  rule: 'hairlines: tables, quotations, the notes\' rule',
  background: 'the page',
  surface: 'boxes on the page: notes, code',
  'on-brand': 'text set on the house colour (the drawn cover, the skip link)'
}

/**
 * Light for screens and e-readers, dark for screens in dark mode, print
 * for the PDF (light with its own text colours: paper is not a screen).
 */
export const colorSchemes = ['light', 'dark', 'print'] as const
export type ColorScheme = (typeof colorSchemes)[number]
export type Palette = Record<ColorToken, string>

/** Text of one colour is set on another: each pair must reach 4.5:1 (WCAG 2.2, 1.4.3). */
export const textOnBackground: Array<[ColorToken, ColorToken]> = [
  ['text', 'background'], ['muted', 'background'], ['accent', 'background'],
  ['text', 'surface'], ['muted', 'surface'], ['accent', 'surface'], ['on-brand', 'brand']
]

export type FaceRole = 'text' | 'display' | 'code'
export const faceRoles: FaceRole[] = ['text', 'display', 'code']

/** One font file of a theme's face, ready for every edition. */
export interface FontFace {
  weight: 400 | 700
  style: 'normal' | 'italic'
  /** Path inside the theme's folder. */
  path: string
  /**
   * The font as an sfnt (TrueType or OpenType, static: a variable font is
   * instanced at this weight), for the HTML and EPUB editions.
   */
  sfnt: Uint8Array
  /** The same with TrueType outlines, for the PDF: Chromium prints CFF outlines as Type 3 fonts (docs/decisions/0010-themes.md). */
  printable: Uint8Array
  /** The code points the font has glyphs for. */
  coverage: Set<number>
}

/** A face of a role: a family Folio ships, or one the theme brings in files. */
export type Face =
  | {kind: 'shipped'; family: string}
  | {kind: 'theme'; family: string; files: FontFace[]}

/** The sections that close a brief (and the HTML page), in the theme's order. */
export const closingSections = ['about-the-authors', 'citation', 'rights', 'disclaimer', 'imprint'] as const
export type ClosingSection = (typeof closingSections)[number]

/** House styles for the recommended citation. */
export const citationStyles = ['chicago', 'apa'] as const
export type CitationStyle = (typeof citationStyles)[number]

export interface Logo {
  /** For light backgrounds (and print, and the EPUB). */
  light: ThemeImage
  /** For dark mode, when the theme has one. */
  dark?: ThemeImage
  /** Its text alternative: the publisher's name, usually. */
  alt: string
}

/** The page of the PDF, when the theme sets it; the manuscript's and the command line's page size win. */
export interface ThemePage {
  size?: string
  /** Millimetres; any side not given keeps the page size's own. */
  margin?: Partial<Record<'top' | 'bottom' | 'inner' | 'outer', number>>
}

/** Stylesheets layered after Folio's: for every edition, and per medium. */
export interface ThemeStyles {
  all?: string
  screen?: string
  print?: string
  ereader?: string
}

export interface Theme {
  /** Its folder's name (or `default`). */
  name: string
  /** Real path of its folder; nothing outside it is read. */
  folder: string
  colors: Record<ColorScheme, Palette>
  faces: Record<FaceRole, Face>
  logo?: Logo
  /** The running head, with `{title}`, `{short-title}`, `{series}`, `{publisher}`, `{report-number}` filled in. */
  runningHead: string
  page: ThemePage
  styles: ThemeStyles
  /** Page templates that replace Folio's, by name (`html/page.html`): their source. */
  templates: Map<string, string>
  closing: ClosingSection[]
  citationStyle: CitationStyle
  /** The cover as the PDF's first page, for works that do not say (front matter `cover-page`). */
  coverPage: boolean
  /**
   * The theme's stylesheets set font-family, -weight or -style: Folio cannot
   * tell which faces each element gets, so editions embed every face of
   * every family for the text's characters.
   */
  setsFonts: boolean
}
