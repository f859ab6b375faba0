/**
 * What front matter (and `book.yaml`) may say. YAML is read with the
 * failsafe schema, so every scalar arrives as a string: `title: 1984` is the
 * text "1984", and a wrong type is a list or a map where text belongs.
 *
 * Field names follow Pandoc's, so a manuscript moves between the two tools.
 */
import * as v from 'valibot'
import {pageSizes} from '../document/page-sizes.ts'

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
  publisher: v.optional(text),
  date: v.optional(v.pipe(text, v.regex(isoDate, 'is not an ISO 8601 date (such as 2024-03-01)'))),
  rights: v.optional(text),
  /** An image in the work's folder, for the EPUB's cover. */
  cover: v.optional(text),
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
  title: v.optional(text)
})

/** `book.yaml`: the work's facts plus its chapters in reading order. */
export const bookSchema = v.object({
  ...workFields,
  chapters: v.pipe(
    v.array(text, 'must be a list of chapter files'),
    v.minLength(1, 'is empty: list the chapter files in reading order')
  )
})

export type WorkFields = v.InferOutput<typeof workSchema>
export type ChapterFields = v.InferOutput<typeof chapterSchema>
export type BookFields = v.InferOutput<typeof bookSchema>
export type FieldsSchema = typeof workSchema | typeof chapterSchema | typeof bookSchema
