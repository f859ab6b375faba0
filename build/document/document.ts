/**
 * The Document: the one model every edition reads. It is produced once per
 * work by build/pipeline/ (read/, then transform/, then the whole-work pass
 * of pipeline/assemble.ts); no edition parses Markdown again. This folder
 * is the model alone: it imports nothing from the stages that make it.
 *
 * Invariants the editions may rely on:
 * - every `id` in every chapter tree is unique across the whole work, and no
 *   content id starts with `folio-` (that prefix belongs to templates);
 * - a link inside the work is `href="#id"`, whatever chapter holds the id;
 * - every `img` `src` is a key of `assets` (the URL policy removed the rest);
 * - text is already typeset (curly quotes, dashes) for the work's language.
 */
import type {ElementContent, Root} from 'hast'
import type {VFile} from 'vfile'
import type {License} from './licenses.ts'
import type {Theme} from './theme.ts'

/** Bibliographic facts, typeset and normalised. Optional facts stay absent. */
export interface Metadata {
  title: string
  subtitle?: string
  /** BCP 47 language tag of the work. */
  lang: string
  /** Writing direction of the work's language. */
  dir: 'ltr' | 'rtl'
  /** Stable identifier, a URN; derived from the title and slug when not given. */
  identifier: string
  description?: string
  subjects: string[]
  /** Names of the authors (contributors whose role is author). */
  authors: string[]
  /** Everyone named, with a MARC relator code (aut, edt, trl, ill, …). */
  contributors: Contributor[]
  publisher?: string
  isbn?: string
  series?: string
  edition?: string
  /** A longer summary than the description, shown with the title. */
  abstract?: string
  /** Publication date as written in the manuscript (ISO 8601). */
  date?: string
  rights?: string
  /** The licence the manuscript names: a known SPDX licence, or its identifier alone. */
  license?: License | {id: string}
  /** A DOI, bare (`10.5555/12345678`). */
  doi?: string
  /** The work's canonical page. */
  url?: string
  reportNumber?: string
  /** Where the publisher is, for the citation. */
  publisherPlace?: string
  /** For the running head. */
  shortTitle?: string
  disclaimer?: string
  /** The recommended citation as the manuscript writes it, replacing the generated one. */
  citation?: string
}

export interface Contributor {
  name: string
  /** MARC relator code: aut, edt, trl, ill, pht, aui, nrt, ctb. */
  role: string
  /** Institutions, in the order given. */
  affiliations: string[]
  /** ORCID iD, `0000-0002-1825-0097`. */
  orcid?: string
  email?: string
  url?: string
  bio?: string
}

/** The recommended citation, in a house style (docs/decisions/0012-recommended-citation.md). */
export interface Citation {
  /** The style it is written in (`chicago`, `apa`), or `manuscript` when the manuscript wrote it. */
  style: string
  /** As plain text. */
  text: string
  /** As phrasing content: italics and the link of its DOI or address. */
  content: ElementContent[]
}

/** The kinds of chapter a book's front and back matter has (EPUB structural semantics, DPUB-ARIA). */
export const chapterTypes = [
  'chapter', 'preface', 'foreword', 'introduction', 'prologue', 'acknowledgments', 'dedication', 'epigraph',
  'epilogue', 'afterword', 'conclusion', 'appendix', 'glossary', 'bibliography', 'notes', 'about', 'colophon'
] as const

/** What a chapter is: the body of the book, or a kind of front or back matter. */
export type ChapterType = (typeof chapterTypes)[number]

/** One chapter: one source file's text, as a hast tree. */
export interface Chapter {
  /** Unique across the work; usable as an id and as a file name stem. */
  id: string
  /** Path of the source file relative to the work's folder (POSIX). */
  source: string
  title: string
  tree: Root
  /** The source file: an edition reports a problem at a node's position here. */
  file: VFile
  /** Its kind; `chapter` unless its front matter says otherwise. */
  type: ChapterType
  /** Id of its first element, where links to the whole chapter go (works of several chapters). */
  anchor?: string
  /** Index into `Document.parts` when the chapter belongs to a part. */
  part?: number
}

/** A part of a book: a title over some chapters. */
export interface Part {
  /** Unique among the work's ids. */
  id: string
  title: string
  /** Indices into `Document.chapters`. */
  chapters: number[]
}

/** One entry of the table of contents; `children` are the sub-headings. */
export interface TocEntry {
  /** The heading's id (unique in the work). */
  id: string
  /** Heading level, 1 to 6, as written. */
  depth: number
  /** Plain text of the heading. */
  title: string
  /** Index into `Document.chapters`. */
  chapter: number
  children: TocEntry[]
}

/** An embedded resource (an image) read from inside the work's folder. */
export interface Asset {
  /** Path relative to the work's folder (POSIX); the key in `assets`. */
  path: string
  /** Media type sniffed from the bytes. */
  mediaType: string
  bytes: Uint8Array
  /** Pixels, for raster images. */
  width?: number
  height?: number
  /** A smaller copy for screens and e-readers, when the original is over 4 megapixels or 5 MB. */
  reduced?: {mediaType: string; bytes: Uint8Array; width: number; height: number}
}

export interface Document {
  /** File name stem of every edition of this work. */
  slug: string
  /** Absolute path of the work's folder: nothing outside it is read. */
  root: string
  metadata: Metadata
  chapters: Chapter[]
  /** Parts grouping the chapters (book.yaml), if any. */
  parts: Part[]
  /** Headings of level 1 to 3, nested. */
  toc: TocEntry[]
  /** Number of headings in `toc`, at every level. */
  headingCount: number
  assets: Map<string, Asset>
  /** How the manuscript asks to be laid out (the command line may override). */
  layout: Layout
  /** The cover image the manuscript names (front matter `cover`), if any. */
  cover?: Asset
  /** Images whose alt text is missing (not an author's decorative `alt=""`). */
  imagesWithoutAlt: number
  /** The house style: colours, faces, logo, page, stylesheets and templates (docs/decisions/0010-themes.md). */
  theme: Theme
  /** The recommended citation, when the work names an author or a publisher to cite. */
  citation?: Citation
}

export interface Layout {
  /** How the pages are arranged: a brief's masthead, or a book's title and copyright pages. */
  kind: 'brief' | 'book'
  /** A key of `pageSizes` (document/page-sizes.ts). */
  pageSize?: string
  /** The cover (front matter `cover`, or the drawn one) as the PDF's first page. */
  coverPage?: boolean
}
