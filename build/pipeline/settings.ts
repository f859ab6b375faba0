/**
 * The build settings every edition reads (document/settings.ts), resolved
 * once: the page size, the dates and the work's words. Dates are UTC
 * wherever the manuscript gives no zone, so that one input builds the same
 * bytes under every TZ.
 */
import {defaultPageSize, pageSizes} from '../document/page-sizes.ts'
import type {Document} from '../document/document.ts'
import type {EditionSettings} from '../document/settings.ts'
import {stringsFor} from '../strings.ts'

export interface SettingsOptions {
  /** A key of `pageSizes`, from the command line: overrides the manuscript's. */
  pageSize?: string
  /** Seconds since 1970, from SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/). */
  sourceDateEpoch?: number
}

/**
 * dcterms:modified when neither SOURCE_DATE_EPOCH nor the manuscript gives a
 * date: a fixed moment (the earliest a zip entry can carry), never a file
 * time, which differs between two clones of one repository.
 */
export const fallbackModified = new Date(Date.UTC(1980, 0, 1))

export function editionSettings(document: Document, options: SettingsOptions = {}): EditionSettings {
  const published =
    options.sourceDateEpoch !== undefined
      ? new Date(options.sourceDateEpoch * 1000)
      : document.metadata.date
        ? publicationDate(document.metadata.date)
        : undefined
  return {
    pageSize: pageSizes[options.pageSize ?? document.layout.pageSize ?? defaultPageSize]!,
    ...(published ? {published} : {}),
    modified: published ?? fallbackModified,
    lang: document.metadata.lang,
    strings: stringsFor(document.metadata.lang)
  }
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
  const date = new Date(`${year}-${month}-${day}T${time}${seconds}${offset}`)
  return Number.isNaN(date.getTime()) ? undefined : date
}
