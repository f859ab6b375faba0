/**
 * The work's sources: the files its `bibliography` field names, read into
 * CSL-JSON items for citeproc-js. BibTeX and BibLaTeX (`.bib`, `.bibtex`)
 * are read by citation-js (titles of English entries set in sentence case,
 * words in braces kept, as Pandoc does, so that a style's own casing
 * applies); CSL-JSON (`.json`) and CSL-YAML (`.yaml`, `.yml`, Pandoc's
 * `references:` form or a bare list) are read as they are. Every file must
 * lie inside the work's folder. A file that cannot be read or parsed is a
 * warning at its own line, and its entries are left out; so is an entry
 * without an id.
 */
import path from 'node:path'
import type {CslItem} from 'citeproc'
import type {Point} from 'unist'
import {VFile} from 'vfile'
import {LineCounter, parseDocument} from 'yaml'
import {warn} from '../messages.ts'
import {sourceFile} from './source-file.ts'
import {readInsideWork, readLimits, refusal} from './work-folder.ts'
import {requireFromProject} from '../project.ts'

/** A file of sources, read. */
export interface BibliographyFile {
  /** The file, with its own messages (a syntax error at its line). */
  file: VFile
  items: CslItem[]
}

export interface Bibliography {
  /** Every entry, by its id (the citation key). The first file that names a key wins. */
  items: Map<string, CslItem>
  files: BibliographyFile[]
}

const formats: Record<string, 'bibtex' | 'json' | 'yaml'> = {
  '.bib': 'bibtex', '.bibtex': 'bibtex', '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml'
}

/**
 * @param root Real path of the work's folder.
 * @param references The `bibliography` field: paths relative to the file that names them.
 * @param source The file that names them (front matter or book.yaml), for messages.
 * @param place Where in it.
 */
export async function readBibliography(root: string, references: string[], source: VFile, place: Point): Promise<Bibliography> {
  const items = new Map<string, CslItem>()
  const files: BibliographyFile[] = []
  for (const reference of references) {
    const format = formats[path.extname(reference).toLowerCase()]
    if (!format) {
      warn(source, `Bibliography \`${reference}\` is not a file Folio reads: use .bib (BibTeX or BibLaTeX), .json (CSL-JSON) or .yaml (CSL-YAML)`, place, 'bibliography')
      continue
    }
    const resolved = await readInsideWork(root, path.dirname(source.path), reference, readLimits.text)
    if (!resolved.ok) {
      warn(source, `Bibliography \`${reference}\` ${refusal(resolved)}`, place, 'bibliography')
      continue
    }
    const file = sourceFile(resolved.absolute, resolved.bytes)
    const read = parseBibliography(file, format)
    files.push({file, items: read})
    for (const item of read) if (!items.has(item.id)) items.set(item.id, item)
  }
  return {items, files}
}

/** Parse one file's text; problems are messages on it. */
export function parseBibliography(file: VFile, format: 'bibtex' | 'json' | 'yaml'): CslItem[] {
  const text = String(file.value).replace(/^\uFEFF/, '')
  let entries: unknown
  try {
    entries = format === 'bibtex' ? parseBibtex(text) : format === 'json' ? parseJson(text) : parseYaml(text)
  } catch (error) {
    const problem = error as Error & {place?: Point}
    warn(file, `Bibliography cannot be read: ${problem.message}; its entries are left out`, problem.place ?? {line: 1, column: 1}, 'bibliography-syntax')
    return []
  }
  if (!Array.isArray(entries)) {
    warn(file, 'Bibliography cannot be read: expected a list of entries (CSL-JSON is an array; CSL-YAML a list, or `references:` with one)', {line: 1, column: 1}, 'bibliography-syntax')
    return []
  }
  const items: CslItem[] = []
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object' || typeof (entry as {id?: unknown}).id !== 'string' && typeof (entry as {id?: unknown}).id !== 'number') {
      warn(file, 'A bibliography entry has no `id`: it is left out', {line: 1, column: 1}, 'bibliography-syntax')
      continue
    }
    const item = {...(entry as Record<string, unknown>)}
    item.id = String(item.id)
    item.type = typeof item.type === 'string' ? item.type : 'document'
    items.push(normaliseDates(item) as CslItem)
  }
  return items
}

/**
 * citation-js with its BibTeX plugin, loaded the first time a BibTeX file is
 * read: a fifth of a megabyte of code that a work without one never needs,
 * and that would otherwise be read and compiled at every start.
 */
function citationJs(): typeof import('@citation-js/core') {
  const core = requireFromProject('@citation-js/core') as typeof import('@citation-js/core')
  requireFromProject('@citation-js/plugin-bibtex')
  return core
}

function parseBibtex(text: string): unknown {
  const {logger, plugins} = citationJs()
  const config = plugins.config.get('@bibtex')
  // Pandoc's reading: titles of English entries to sentence case, protected words kept.
  config.parse.sentenceCase = 'english'
  config.parse.strict = false
  try {
    const entries = plugins.input.chain(text, {forceType: '@biblatex/text', target: '@biblatex/entries+list', generateGraph: false}) as BibtexEntry[]
    // BibLaTeX names an entry's language with `langid`; citation-js decides on sentence case by `language` only.
    for (const entry of entries) {
      const langid = entry.properties.langid
      if (langid && !entry.properties.language) entry.properties.language = langid
    }
    const items = plugins.input.chain(entries, {forceType: '@biblatex/entries+list', generateGraph: false}) as Array<Record<string, unknown>>
    for (const item of items) {
      // Babel's names (`ngerman`) as BCP 47 tags: citeproc-js title-cases only English entries, and reads the tag.
      if (typeof item.language === 'string') item.language = babelLanguages[item.language.toLowerCase()] ?? item.language
      // BibLaTeX's keys for kinds of work (`type = {phdthesis}`) in words, as BibLaTeX and Pandoc print them.
      if (typeof item.genre === 'string') item.genre = workKinds[item.genre.toLowerCase()] ?? item.genre
      // A short title, for short notes and the like: the title up to its colon (Pandoc's reading).
      const title = item.title
      if (typeof title === 'string' && item['title-short'] === undefined && /:\s/.test(title)) item['title-short'] = title.slice(0, title.search(/:\s/))
    }
    return items
  } catch (error) {
    // citation-js's parser: `expected "rbrace", got "identifier" at line 4 col 3:` and an excerpt.
    const message = String((error as Error).message)
    const at = /at line (\d+) col (\d+)/.exec(message)
    const reason = message.split('\n')[0]!.replace(/\s*at line \d+ col \d+:?\s*$/, '').replace(/:$/, '')
    throw Object.assign(new Error(reason || 'BibTeX syntax error'), at ? {place: {line: Number(at[1]), column: Number(at[2])}} : {})
  } finally {
    // citation-js keeps a log of every message it ever made; a watch session would grow it forever.
    ;(logger as {_log?: unknown[]})._log?.splice(0)
  }
}

interface BibtexEntry {
  properties: Record<string, string | undefined>
}

/** BibLaTeX's localisation keys for `type` (english.lbx). */
const workKinds: Record<string, string> = {
  phdthesis: 'PhD thesis', mathesis: 'Master’s thesis', candthesis: 'Candidate thesis', techreport: 'technical report',
  resreport: 'research report', software: 'computer software', datacd: 'CD-ROM', audiocd: 'audio CD'
}

/** Babel's and polyglossia's language names, as BibLaTeX's `langid` gives them. */
const babelLanguages: Record<string, string> = {
  english: 'en', american: 'en-US', usenglish: 'en-US', british: 'en-GB', ukenglish: 'en-GB', canadian: 'en-CA', australian: 'en-AU',
  german: 'de-DE', ngerman: 'de-DE', austrian: 'de-AT', naustrian: 'de-AT', swissgerman: 'de-CH', nswissgerman: 'de-CH',
  french: 'fr-FR', francais: 'fr-FR', ukrainian: 'uk-UA', russian: 'ru-RU', polish: 'pl-PL', spanish: 'es-ES',
  italian: 'it-IT', dutch: 'nl-NL', portuguese: 'pt-PT', brazil: 'pt-BR', czech: 'cs-CZ', swedish: 'sv-SE'
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    const message = String((error as Error).message)
    const at = /position (\d+)/.exec(message)
    const place = at ? pointAt(text, Number(at[1])) : undefined
    throw Object.assign(new Error(`not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '')})`), place ? {place} : {})
  }
}

function parseYaml(text: string): unknown {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {lineCounter, uniqueKeys: true, prettyErrors: false})
  const error = document.errors[0]
  if (error) {
    const {line, col} = lineCounter.linePos(error.pos[0])
    throw Object.assign(new Error(`not valid YAML (${error.message.split('\n')[0]})`), {place: {line, column: col}})
  }
  const value = document.toJS({maxAliasCount: 100}) as unknown
  if (value && typeof value === 'object' && !Array.isArray(value) && 'references' in value) return (value as {references: unknown}).references
  return value
}

const dateVariables = ['issued', 'accessed', 'event-date', 'original-date', 'submitted', 'available-date']

/** CSL-YAML (and hand-written CSL-JSON) may give a date as text (`issued: 2020-05`); citeproc-js wants `raw`. */
function normaliseDates(item: Record<string, unknown>): Record<string, unknown> {
  for (const variable of dateVariables) {
    const value = item[variable]
    if (typeof value === 'string' || typeof value === 'number') item[variable] = {raw: String(value)}
    else if (value instanceof Date) item[variable] = {'date-parts': [[value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate()]]}
  }
  return item
}

function pointAt(text: string, offset: number): Point {
  const before = text.slice(0, offset).split('\n')
  return {line: before.length, column: before.at(-1)!.length + 1}
}
