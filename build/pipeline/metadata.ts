/**
 * Front-matter fields to the Document's metadata: the language checked and
 * canonical, display text typeset, lists made lists, and a stable identifier
 * when the manuscript gives none.
 */
import {createHash} from 'node:crypto'
import type {Point} from 'unist'
import type {VFile} from 'vfile'
import type {WorkFields} from '../read/front-matter-schema.ts'
import {warn} from '../messages.ts'
import {withoutForbidden} from '../transform/forbidden-characters.ts'
import {quoteStyleFor, typesetText} from '../transform/typography.ts'
import type {Contributor, Metadata} from '../document/document.ts'

/** Roles a manuscript may give, and their MARC relator codes (as EPUB and ONIX use them). */
export const relators: Record<string, string> = {
  author: 'aut', editor: 'edt', translator: 'trl', illustrator: 'ill', photographer: 'pht',
  foreword: 'aui', introduction: 'aui', narrator: 'nrt', contributor: 'ctb'
}

/** Used, with a warning, when the manuscript names no language. */
export const defaultLang = 'en'

/**
 * @param fields Checked front-matter fields.
 * @param slug The work's slug (part of a derived identifier).
 * @param file Where the fields came from, for messages.
 * @param place Where in that file.
 * @param placeOf Where a field's value is in that file, for messages about one value.
 */
export function toMetadata(fields: WorkFields, slug: string, file: VFile, place: Point, placeOf: (keys: Array<string | number>) => Point = () => place): Metadata {
  let lang = defaultLang
  if (fields.lang) lang = Intl.getCanonicalLocales(fields.lang)[0]!
  else warn(file, `No \`lang\` in the front matter: assuming \`${defaultLang}\` (add \`lang: …\`)`, place, 'front-matter-lang')
  const style = quoteStyleFor(lang)
  const clean = (value: string): string => {
    const {text, removed} = withoutForbidden(value)
    if (removed) warn(file, `Removed a control character (${removed}) from the front matter`, place, 'forbidden-character')
    return text
  }
  const typeset = (value: string | undefined): string | undefined =>
    value ? typesetText(clean(value), style) : undefined
  const list = (value: string | string[] | undefined): string[] =>
    (Array.isArray(value) ? value : value ? [value] : []).filter((item) => item !== '')

  const contributors: Contributor[] = [
    ...list(fields.author).map((name) => ({name: typeset(name)!, role: 'aut'})),
    ...(fields.authors ?? []).map((entry, index) => {
      const {name, role} = typeof entry === 'string' ? {name: entry, role: undefined} : entry
      const code = role ? relators[role.toLowerCase()] : 'aut'
      if (role && !code) warn(file, `Unknown role \`${role}\` for ${name}: one of ${Object.keys(relators).join(', ')}; written as contributor`, placeOf(['authors', index, 'role']), 'front-matter-role')
      return {name: typeset(name)!, role: code ?? 'ctb'}
    })
  ].filter((contributor) => contributor.name)
  const isbn = fields.isbn ? fields.isbn.replace(/^isbn[:\s]*/i, '').trim() : undefined
  const metadata: Metadata = {
    title: typeset(fields.title) ?? fields.title,
    lang,
    dir: directionOf(lang),
    identifier: fields.identifier || (isbn ? `urn:isbn:${isbn.replace(/[\s-]/g, '')}` : derivedIdentifier(slug, fields.title)),
    subjects: list(fields.subject).map(clean),
    authors: contributors.filter((contributor) => contributor.role === 'aut').map((contributor) => contributor.name),
    contributors
  }
  const optional = {
    subtitle: typeset(fields.subtitle),
    description: typeset(fields.description),
    publisher: typeset(fields.publisher),
    date: fields.date || undefined,
    rights: typeset(fields.rights),
    isbn,
    series: typeset(fields.series),
    edition: typeset(fields.edition),
    abstract: typeset(fields.abstract)
  }
  for (const [key, value] of Object.entries(optional)) {
    if (value) Object.assign(metadata, {[key]: value})
  }
  return metadata
}

function directionOf(lang: string): 'ltr' | 'rtl' {
  const locale = new Intl.Locale(lang) as Intl.Locale & {textInfo?: {direction?: string}}
  return locale.textInfo?.direction === 'rtl' ? 'rtl' : 'ltr'
}

/**
 * A name-based (version 5 style) UUID URN from the slug and title: stable
 * across builds, so a rebuilt book is the same book to a reader's library.
 */
function derivedIdentifier(slug: string, title: string): string {
  const hash = createHash('sha1').update(`folio:${slug}:${title}`).digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
