/**
 * What front matter (and `book.yaml`) may say. YAML is read with the
 * failsafe schema, so every scalar arrives as a string: `title: 1984` is the
 * text "1984", and a wrong type is a list or a map where text belongs.
 *
 * Field names follow Pandoc's, so a manuscript moves between the two tools.
 */
import * as v from 'valibot'
import {chapterTypes} from '../document/document.ts'
import {publicationDate} from '../document/settings.ts'
import {pageSizes} from '../document/page-sizes.ts'
import {doiOf, isEmailAddress, isWebAddress, orcidOf} from './identifiers.ts'

const text = v.pipe(v.string('must be text, not a list or a map'), v.trim())
const textOrList = v.union(
  [text, v.array(text, 'must be a list of texts')],
  'must be text or a list of texts'
)

/** BCP 47 syntax, as Intl (ICU) checks it. */
function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1
  } catch {
    return false
  }
}

/** ISBN-10 or ISBN-13, with or without hyphens or spaces, its check digit right. */
export function isIsbn(value: string): boolean {
  const digits = value.replace(/^isbn[:\s]*/i, '').replace(/[\s-]/g, '').toUpperCase()
  if (/^\d{9}[\dX]$/.test(digits)) {
    const sum = [...digits].reduce((total, digit, index) => total + (digit === 'X' ? 10 : Number(digit)) * (10 - index), 0)
    return sum % 11 === 0
  }
  if (/^97[89]\d{10}$/.test(digits)) {
    const sum = [...digits].reduce((total, digit, index) => total + Number(digit) * (index % 2 ? 3 : 1), 0)
    return sum % 10 === 0
  }
  return false
}

/** Yes or no: YAML is read with the failsafe schema, where every scalar is text. */
export const yesOrNo = v.pipe(
  v.string('must be true or false'),
  v.trim(),
  v.picklist(['true', 'false'], 'must be true or false'),
  v.transform((value) => value === 'true')
)
const webAddress = v.pipe(text, v.check(isWebAddress, 'is not a web address (https://…)'))

/** Everything a contributor entry may say besides the name. */
export const contributorFields = {
  name: v.pipe(text, v.minLength(1, 'is empty')),
  role: v.optional(text),
  /** Where the person works: an institution, or a list of them. */
  affiliation: v.optional(textOrList),
  orcid: v.optional(v.pipe(text, v.check((value) => orcidOf(value) !== undefined, 'is not an ORCID iD (16 digits such as 0000-0002-1825-0097, the last a correct check character)'))),
  email: v.optional(v.pipe(text, v.check(isEmailAddress, 'is not an e-mail address'))),
  url: v.optional(webAddress),
  /** A sentence or two about the person: the "About the authors" section. */
  bio: v.optional(text)
}

/** A contributor: a name, or a name with a role, affiliation, ORCID iD, e-mail, address and biography. */
const contributor = v.union(
  [text, v.object(contributorFields)],
  'must be a name, or a name with its details (name: …, role: …, affiliation: …)'
)

/** How a work's pages are arranged (docs/decisions/0011-layouts.md). */
export const layouts = ['brief', 'book'] as const

/** ISO 8601 calendar date, optionally with a time. */
const isoDate = /^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/

/** Facts about the whole work. */
export const workFields = {
  title: v.pipe(text, v.minLength(1, 'is empty: a work needs a title')),
  subtitle: v.optional(text),
  lang: v.optional(
    v.pipe(text, v.check(isLanguageTag, 'is not a BCP 47 language tag (such as en, en-GB, uk, de, fr)'))
  ),
  identifier: v.optional(text),
  description: v.optional(text),
  subject: v.optional(textOrList),
  author: v.optional(textOrList),
  /** Contributors with their roles; `author` is the short form for authors only. */
  authors: v.optional(v.array(contributor, 'must be a list of names, or of names and roles')),
  publisher: v.optional(text),
  isbn: v.optional(v.pipe(text, v.check(isIsbn, 'is not an ISBN (10 or 13 digits with a correct check digit)'))),
  series: v.optional(text),
  edition: v.optional(text),
  abstract: v.optional(text),
  /** The first chapter's kind, when it is front or back matter. */
  type: v.optional(v.picklist(chapterTypes, `is not a kind of chapter Folio knows (${chapterTypes.join(', ')})`)),
  date: v.optional(v.pipe(text, v.regex(isoDate, 'is not an ISO 8601 date (such as 2024-03-01)'), v.check((value) => publicationDate(value) !== undefined, 'is not a date that exists'))),
  rights: v.optional(text),
  /** The SPDX identifier of the work's licence (CC-BY-4.0). */
  license: v.optional(text),
  /** A DOI, bare or as its address. */
  doi: v.optional(v.pipe(text, v.check((value) => doiOf(value) !== undefined, 'is not a DOI (such as 10.5555/12345678)'))),
  /** The work's canonical page on the web. */
  url: v.optional(webAddress),
  /** The publisher's number for the work (RR-A2510-1). */
  'report-number': v.optional(text),
  /** Where the publisher is (a city), for the recommended citation. */
  'publisher-place': v.optional(text),
  /** A short title for the running head. */
  'short-title': v.optional(text),
  /** A paragraph that says whose views the work holds. */
  disclaimer: v.optional(text),
  /** The recommended citation, written out: replaces the one Folio makes. */
  citation: v.optional(text),
  layout: v.optional(v.picklist(layouts, `is not a layout Folio knows (${layouts.join(', ')})`)),
  /** A theme's folder, relative to the file that names it (docs/decisions/0010-themes.md). */
  theme: v.optional(v.pipe(text, v.minLength(1, 'is empty'))),
  /** An image in the work's folder, for the EPUB's cover. */
  cover: v.optional(text),
  /** The cover (the image above, or the drawn one) as the PDF's first page. */
  'cover-page': v.optional(yesOrNo),
  /** Files of sources (BibTeX/BibLaTeX, CSL-JSON, CSL-YAML) in the work's folder. */
  bibliography: v.optional(textOrList),
  /** A citation style: a .csl file in the work's folder, or a shipped style's name. */
  csl: v.optional(text),
  /** Sources listed in the bibliography without being cited: `@key`s, or `@*` for all. */
  nocite: v.optional(textOrList),
  'page-size': v.optional(
    v.pipe(
      text,
      v.transform((value) => value.toLowerCase()),
      v.check((value) => value in pageSizes, `is not a page size Folio knows (${Object.keys(pageSizes).join(', ')})`)
    )
  )
}

/** Front matter of a single-file work, or of the first chapter of a folder without book.yaml. */
export const workSchema = v.object(workFields)

/** Front matter of any other chapter. */
export const chapterSchema = v.object({
  title: v.optional(text),
  type: v.optional(v.picklist(chapterTypes, `is not a kind of chapter Folio knows (${chapterTypes.join(', ')})`))
})

const chapterFile = v.pipe(text, v.minLength(1, 'is empty'))

const {type: _chapterType, ...bookWorkFields} = workFields

/** `book.yaml`: the work's facts plus its chapters in reading order, grouped in parts or not. */
export const bookSchema = v.object({
  ...bookWorkFields,
  chapters: v.pipe(
    v.array(
      v.union(
        [chapterFile, v.object({part: v.pipe(text, v.minLength(1, 'is empty')), chapters: v.pipe(v.array(chapterFile), v.minLength(1, 'is empty'))})],
        'must be a chapter file, or a part (part: its title, chapters: its files)'
      )
    ),
    v.minLength(1, 'is empty: list the chapter files in reading order')
  )
})

export type WorkFields = v.InferOutput<typeof workSchema>
export type ChapterFields = v.InferOutput<typeof chapterSchema>
export type BookFields = v.InferOutput<typeof bookSchema>
export type FieldsSchema = typeof workSchema | typeof chapterSchema | typeof bookSchema
