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
