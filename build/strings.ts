/**
 * The words Folio itself adds to an edition ("Contents", "Notes", the skip
 * link), in the work's language. They live in `templates/strings/<lang>.json`
 * so that a translation is a file, not a code change; English fills any gap.
 */
import {readTemplateFile} from './templates-folder.ts'

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
  note: string
  keyFindings: string
  pullquote: string
  figure: string
  table: string
  /** Cross-references to several: "Figures 2 and 3". */
  figures: string
  tables: string
  section: string
  sections: string
  /** A cross-reference's page in the PDF; `{n}` is the page number. */
  onPage: string
  /** The bibliography's heading with a note style. */
  bibliography: string
  /** The bibliography's heading with an author-date or numeric style. */
  references: string
  /** A part of a table printed in parts: `{from}`, `{to}`, `{count}` are column numbers. */
  tableColumns: string
  editedBy: string
  translatedBy: string
  illustratedBy: string
  photographsBy: string
  introductionBy: string
  narratedBy: string
  contributors: string
  and: string
  isbn: string
  edition: string
  published: string
  copyright: string
  /** How a publication date is written: `day` (1 March 2023) or `month` (March 2023). */
  date: 'day' | 'month'
  aboutTheAuthor: string
  aboutTheAuthors: string
  recommendedCitation: string
  /** `{license}` is the licence's name, linked, and its identifier. */
  licensedUnder: string
  orcid: string
  email: string
  colophon: string
  reportNumber: string
  doi: string
  /** Before a number in a series, in a citation ("no. 7"). */
  citationNumber: string
  /** Between the last two authors of a citation. */
  citationAnd: string
  logo: string
}

/** Strings for a BCP 47 tag: its own file (en-GB.json), else its primary language's, else English. */
export function stringsFor(lang: string): Strings {
  const locale = new Intl.Locale(lang)
  const region = locale.region ? `${locale.language}-${locale.region}` : locale.language
  return {...load('en'), ...load(locale.language), ...load(region), ...load(lang)} as Strings
}

function load(name: string): Partial<Strings> {
  return readTemplateFile(`strings/${name}.json`, (text) => JSON.parse(text) as Partial<Strings>) ?? {}
}
