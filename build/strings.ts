/**
 * The words Folio itself adds to an edition ("Contents", "Notes", the skip
 * link), in the work's language. They live in `templates/strings/<lang>.json`
 * so that a translation is a file, not a code change; English fills any gap.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {TemplateError} from './errors.ts'
import {templatesFolder} from './templates-folder.ts'

export interface Strings {
  contents: string
  skipToText: string
  notes: string
  /** `{n}` is the note's number. */
  backToReference: string
  downloads: string
  downloadPdf: string
  downloadEpub: string
  downloadPdfLabel: string
  downloadEpubLabel: string
  by: string
  cover: string
  landmarks: string
  beginning: string
  titlePage: string
  /** `{title}` is the work's title. */
  coverAlt: string
}

const cache = new Map<string, Strings>()

/** Strings for a BCP 47 tag: its own file, else its primary language's, else English. */
export function stringsFor(lang: string): Strings {
  const cached = cache.get(lang)
  if (cached) return cached
  const language = new Intl.Locale(lang).language
  const strings = {...load('en'), ...load(language), ...load(lang)} as Strings
  cache.set(lang, strings)
  return strings
}

function load(name: string): Partial<Strings> {
  try {
    return JSON.parse(readFileSync(path.join(templatesFolder, 'strings', `${name}.json`), 'utf8')) as Partial<Strings>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new TemplateError(`templates/strings/${name}.json cannot be read`, {cause: error})
  }
}
