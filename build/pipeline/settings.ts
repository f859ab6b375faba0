/**
 * The build settings every edition reads (document/settings.ts), resolved
 * once: the page size (and the theme's margins), the dates and the work's words. Dates are UTC
 * wherever the manuscript gives no zone, so that one input builds the same
 * bytes under every TZ.
 */
import {defaultPageSize, pageSizes} from '../document/page-sizes.ts'
import type {Document} from '../document/document.ts'
import {publicationDate, type EditionSettings} from '../document/settings.ts'
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
  // The command line's size, else the manuscript's, else the theme's; the theme's margins on any of them.
  const size = pageSizes[options.pageSize ?? document.layout.pageSize ?? document.theme.page.size ?? defaultPageSize]!
  const margin = document.theme.page.margin
  return {
    pageSize: margin ? {...size, margin: {...size.margin, ...margin}} : size,
    ...(published ? {published} : {}),
    modified: published ?? fallbackModified,
    lang: document.metadata.lang,
    strings: stringsFor(document.metadata.lang)
  }
}
