/**
 * What an edition needs besides the Document, resolved once per build by
 * build/pipeline/settings.ts from the manuscript and the command line: no
 * edition reads a clock, the environment or the command line itself.
 */
import type {Strings} from '../strings.ts'
import type {PageSize} from './page-sizes.ts'

export interface EditionSettings {
  /** Page size of the PDF editions: the command line's, else the manuscript's, else A4. */
  pageSize: PageSize
  /**
   * When the work was published, in UTC: SOURCE_DATE_EPOCH, else the
   * manuscript's `date`; absent when neither gives one.
   */
  published?: Date
  /**
   * When the editions were last changed (the EPUB's dcterms:modified):
   * `published`, else a fixed date, so that the same sources give the same
   * bytes on every machine and clone.
   */
  modified: Date
  /** BCP 47 language of the work. */
  lang: string
  /** Folio's own words in that language. */
  strings: Strings
}

/**
 * An ISO 8601 date as the front matter allows it (read/front-matter-schema.ts):
 * `2024`, `2024-03`, `2024-03-01`, with or without a time and a zone. Without
 * a zone it is UTC (ECMAScript reads a date-time without one as local time).
 */
export function publicationDate(written: string): Date | undefined {
  const [, year, month = '01', day = '01', time = '00:00', seconds = '', zone = 'Z'] =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/.exec(written) ?? []
  if (!year) return undefined
  const offset = zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
  // A day the month does not have (2024-02-30) is not a date, though Date would roll it over.
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate()) return undefined
  const date = new Date(`${year}-${month}-${day}T${time}${seconds}${offset}`)
  return Number.isNaN(date.getTime()) ? undefined : date
}
