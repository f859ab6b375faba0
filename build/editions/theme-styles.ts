/**
 * The stylesheet of each edition, with the theme in it: Folio's stylesheets
 * (templates/styles/), whose every colour and family is a theme token
 * (`var(--color-accent)`, `var(--font-text)`), then the theme's own. The
 * HTML page defines the tokens as custom properties, light, dark (screens
 * in dark mode) and print; the PDF's page, the EPUB and the drawn cover get
 * the values written in: Chromium does not carry custom properties into
 * @page margin boxes, and e-readers and EPUBCheck 4.2.6 reject them.
 */
import {colorTokens, faceRoles, type ColorScheme, type ColorToken, type Theme} from '../document/theme.ts'
import {stylesheet} from './stylesheets.ts'
import {fontStack} from './typefaces.ts'

/** The tokens' values in a colour scheme: `--color-brand` → `#0a4a7f`, `--font-text` → its stack. */
export function tokenValues(theme: Theme, scheme: ColorScheme): Map<string, string> {
  return new Map([
    ...colorTokens.map((token) => [`--color-${token}`, theme.colors[scheme][token]] as const),
    ...faceRoles.map((role) => [`--font-${role}`, fontStack(theme, role)] as const)
  ])
}

function declarations(values: Map<string, string>, only?: (name: string) => boolean): string {
  return [...values].filter(([name]) => !only || only(name)).map(([name, value]) => `  ${name}: ${value};`).join('\n')
}

/** The tokens as custom properties: light, dark on screens in dark mode, print on paper. */
export function customProperties(theme: Theme): string {
  const colors = (name: string) => name.startsWith('--color-')
  return [
    `:root {\n${declarations(tokenValues(theme, 'light'))}\n}`,
    `@media screen and (prefers-color-scheme: dark) {\n:root {\n${declarations(tokenValues(theme, 'dark'), colors)}\n}\n}`,
    `@media print {\n:root {\n${declarations(tokenValues(theme, 'print'), colors)}\n}\n}`
  ].join('\n')
}

/** CSS with every `var(--token)` replaced by its value (a fallback after a comma is dropped with it). */
export function withValues(css: string, values: Map<string, string>): string {
  return css.replace(/var\(\s*(--[\w-]+)\s*(?:,[^()]*(?:\([^()]*\)[^()]*)*)?\)/g, (match, name: string) => values.get(name) ?? match)
}

/**
 * The HTML page's stylesheet (without its @font-face rules).
 *
 * @param extra Stylesheets the work needs besides the shared ones (its bibliography's), before the theme's.
 */
export function screenStyles(theme: Theme, extra: string[] = []): string {
  const {styles} = theme
  return [
    customProperties(theme),
    stylesheet('base'),
    stylesheet('screen'),
    ...extra,
    styles.all ?? '',
    styles.screen ?? '',
    `@media print {\n${stylesheet('print')}\n${stylesheet('html-print')}\n${styles.print ?? ''}\n}`
  ].filter(Boolean).join('\n')
}

/** The PDF page's stylesheet (without @font-face rules), with the page's own rules after it. */
export function printStyles(theme: Theme, pageRules: string, extra: string[] = []): string {
  const {styles} = theme
  return withValues([stylesheet('base'), stylesheet('print'), ...extra, styles.all ?? '', styles.print ?? '', pageRules].filter(Boolean).join('\n'), tokenValues(theme, 'print'))
}

/**
 * The colours of the EPUB: none of its own. Reading systems choose the
 * page and the text (day, sepia, night) and some keep a book's colours
 * over theirs (Calibre's viewer by default), so text takes the reading
 * system's colour (`color: currentColor` is `inherit`), boxes lose their fills, and frames and rules are drawn
 * in the text's colour (the hairline keeps the theme's rule: faint, never
 * text). Measured in test/reading-system.exhaustive.ts; docs/decisions/0014-ereader-colours.md.
 */
const ereaderColors: Record<ColorToken, string> = {
  brand: 'currentColor',
  accent: 'currentColor',
  text: 'currentColor',
  muted: 'currentColor',
  rule: '',
  background: 'transparent',
  surface: 'transparent',
  'on-brand': 'currentColor'
}

/** The tokens' values in the EPUB: the theme's faces and hairline, the reading system's colours. */
export function ereaderValues(theme: Theme): Map<string, string> {
  const values = tokenValues(theme, 'light')
  for (const token of colorTokens) if (ereaderColors[token]) values.set(`--color-${token}`, ereaderColors[token])
  return values
}

/** The EPUB's stylesheet (without @font-face rules). */
export function ereaderStyles(theme: Theme, extra: string[] = []): string {
  const {styles} = theme
  return withValues([stylesheet('base'), stylesheet('ereader'), ...extra, styles.all ?? '', styles.ereader ?? ''].filter(Boolean).join('\n'), ereaderValues(theme))
}

/** The drawn cover's stylesheet. */
export function coverStyles(theme: Theme): string {
  return withValues(stylesheet('cover'), tokenValues(theme, 'light'))
}
