/**
 * The citation style a work asks for (`csl:`): a `.csl` file in the work's
 * folder, or the name of a style Folio ships (templates/csl/styles/:
 * `chicago-author-date`, Pandoc's default, `chicago-notes-bibliography`,
 * `apa`). And the CSL locales Folio ships (templates/csl/locales/), which
 * give a style its words in the work's language.
 */
import path from 'node:path'
import type {Element, Root} from 'xast'
import {fromXml} from 'xast-util-from-xml'
import {toString} from 'xast-util-to-string'
import type {Point} from 'unist'
import type {VFile} from 'vfile'
import {readTemplateFile} from '../templates-folder.ts'
import {warn} from '../messages.ts'
import {readInsideWork, readLimits, refusal} from './work-folder.ts'
import {requireFromProject} from '../project.ts'

/**
 * citeproc-js, the CSL processor, loaded the first time a citation is made:
 * half a megabyte of code that a work without citations (or with its
 * recommended citation kept from an earlier build) never runs, and that
 * would otherwise be read and compiled at every start.
 */
export function citeproc(): typeof import('citeproc').default {
  return requireFromProject('citeproc') as typeof import('citeproc').default
}

export interface CitationStyle {
  /** The shipped style's name, or the file's path relative to the work. */
  name: string
  xml: string
  /** A note style (Chicago notes): each citation becomes a note. Else citations stand in the text. */
  notes: boolean
}

/** Used when a work has a bibliography and names no style (as Pandoc does). */
export const defaultStyle = 'chicago-author-date'

/** The styles in templates/csl/styles/, by name. */
export const shippedStyles = ['apa', 'chicago-author-date', 'chicago-notes-bibliography'] as const

/** Older and shorter names of the shipped styles, as other tools spell them. */
const aliases: Record<string, string> = {
  'chicago-note-bibliography': 'chicago-notes-bibliography',
  'chicago-notes': 'chicago-notes-bibliography',
  'apa-7th-edition': 'apa',
  apa7: 'apa'
}

/**
 * @param root Real path of the work's folder.
 * @param csl The `csl` field, if any.
 * @param source The file the field is in; messages go there.
 * @param place Where in it.
 */
export async function readCitationStyle(root: string, csl: string | undefined, source: VFile, place: Point): Promise<CitationStyle> {
  const fallback = (): CitationStyle => shippedStyle(defaultStyle)!
  if (!csl) return fallback()
  const looksLikeFile = csl.toLowerCase().endsWith('.csl') || csl.includes('/')
  if (!looksLikeFile) {
    const shipped = shippedStyle(aliases[csl.toLowerCase()] ?? csl.toLowerCase())
    if (shipped) return shipped
    warn(source, `Unknown citation style \`${csl}\`: Folio ships ${shippedStyles.join(', ')}; a .csl file in the work’s folder works too. Using ${defaultStyle}`, place, 'citation-style')
    return fallback()
  }
  const resolved = await readInsideWork(root, path.dirname(source.path), csl, readLimits.book)
  if (!resolved.ok) {
    warn(source, `Citation style \`${csl}\` ${refusal(resolved)}. Using ${defaultStyle}`, place, 'citation-style')
    return fallback()
  }
  const xml = new TextDecoder().decode(resolved.bytes)
  const problem = styleProblem(xml)
  if (problem) {
    warn(source, `Citation style \`${csl}\` cannot be used: ${problem}. Using ${defaultStyle}`, place, 'citation-style')
    return fallback()
  }
  return {name: resolved.relative, xml, notes: isNoteStyle(xml)}
}

/** A style Folio ships, by name (`apa`, `chicago-notes-bibliography`, …). */
export function shippedStyle(name: string): CitationStyle | undefined {
  if (!(shippedStyles as readonly string[]).includes(name)) return undefined
  const xml = readTemplateFile(`csl/styles/${name}.csl`, (text) => text)
  return xml === undefined ? undefined : {name, xml, notes: isNoteStyle(xml)}
}

function isNoteStyle(xml: string): boolean {
  return /<style\b[^>]*\bclass\s*=\s*["']note["']/.test(xml)
}

/** Why a file is not a CSL style Folio can use (parse errors at their line), or undefined. */
function styleProblem(xml: string): string | undefined {
  let tree: Root
  try {
    tree = fromXml(xml)
  } catch (error) {
    const at = error as {line?: number; column?: number; reason?: string; message: string}
    return `${at.reason ?? at.message}${at.line ? ` (line ${at.line}, column ${at.column})` : ''}`
  }
  const style = tree.children.find((node): node is Element => node.type === 'element')
  if (style?.name !== 'style') return 'it is not a CSL style (no <style> element)'
  const has = (name: string) => style.children.some((node) => node.type === 'element' && node.name === name)
  const parent = style.children
    .filter((node): node is Element => node.type === 'element' && node.name === 'info')
    .flatMap((info) => info.children)
    .find((node): node is Element => node.type === 'element' && node.name === 'link' && node.attributes.rel === 'independent-parent')
  if (!has('citation')) {
    return parent
      ? `it is a dependent style; use its parent, ${String(parent.attributes.href).split('/').pop()}, by name or as a file`
      : 'it has no <citation> layout'
  }
  return undefined
}

/** The shipped locale files, by tag; a work's language falls back to the first with its primary language. */
const shippedLocales = ['en-US', 'en-GB', 'uk-UA', 'de-DE', 'fr-FR'] as const

/** The CSL locale for a BCP 47 tag: its own, else one of its language, else American English. */
export function cslLocaleTag(lang: string): string {
  const exact = shippedLocales.find((tag) => tag.toLowerCase() === lang.toLowerCase())
  if (exact) return exact
  const language = new Intl.Locale(lang).language
  return shippedLocales.find((tag) => tag.startsWith(`${language}-`)) ?? 'en-US'
}

/** A shipped locale: its XML, and the terms Folio reads from it. */
interface Locale {
  xml: string
  /** Locator terms (`p.`, `pp.`, `page`, `chap.`, …), lower case, to the locator they name. */
  locatorTerms: Map<string, string>
  /** Short forms of every term (`no.`, `ed.`, `vol.`), lower case. */
  shortTerms: Set<string>
}

function locale(tag: string): Locale | undefined {
  return readTemplateFile(`csl/locales/locales-${tag}.xml`, parseLocale)
}

/** A shipped locale file's XML (citeproc-js's `retrieveLocale`), or false. */
export function cslLocale(tag: string): string | false {
  const shipped = shippedLocales.find((known) => known.toLowerCase() === tag.toLowerCase()) ?? shippedLocales.find((known) => known.startsWith(`${tag}-`))
  return (shipped && locale(shipped)?.xml) || false
}

/** The locator terms of the locale for a work's language. */
export function locatorTerms(lang: string): Map<string, string> {
  return locale(cslLocaleTag(lang))?.locatorTerms ?? new Map()
}

/** The short forms of the terms of the locale for a work's language. */
export function shortTerms(lang: string): Set<string> {
  return locale(cslLocaleTag(lang))?.shortTerms ?? new Set()
}

const locators = new Set([
  'book', 'chapter', 'column', 'figure', 'folio', 'issue', 'line', 'note', 'opus', 'page', 'number-of-pages',
  'paragraph', 'part', 'section', 'sub verbo', 'verse', 'volume'
])

function parseLocale(xml: string): Locale {
  const locatorTerms = new Map<string, string>()
  const shortTerms = new Set<string>()
  const visit = (node: Element): void => {
    if (node.name !== 'term') {
      for (const child of node.children) if (child.type === 'element') visit(child)
      return
    }
    const name = String(node.attributes.name)
    const forms = node.children.filter((child): child is Element => child.type === 'element')
    const words = (forms.length > 0 ? forms.map((form) => toString(form)) : [toString(node)]).map((word) => word.trim().toLowerCase()).filter(Boolean)
    if (locators.has(name)) for (const word of words) locatorTerms.set(word, name === 'number-of-pages' ? 'page' : name)
    if (/short/.test(String(node.attributes.form ?? ''))) for (const word of words) shortTerms.add(word)
  }
  for (const child of fromXml(xml).children) if (child.type === 'element') visit(child)
  return {xml, locatorTerms, shortTerms}
}
