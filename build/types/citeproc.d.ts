/**
 * The part of citeproc-js (npm `citeproc`) that Folio uses; the package
 * ships no types. https://citeproc-js.readthedocs.io/en/latest/running.html
 */
declare module 'citeproc' {
  export interface CslName {
    family?: string
    given?: string
    literal?: string
    'non-dropping-particle'?: string
    'dropping-particle'?: string
    suffix?: string
  }

  /** A CSL-JSON item: `id` and `type`, and any CSL variable. */
  export interface CslItem {
    id: string
    type: string
    [variable: string]: unknown
  }

  export interface CitationItem {
    id: string
    locator?: string
    label?: string
    prefix?: string
    suffix?: string
    'suppress-author'?: boolean
    'author-only'?: boolean
  }

  export interface Citation {
    citationID: string
    citationItems: CitationItem[]
    properties: {noteIndex: number; mode?: 'author-only' | 'suppress-author' | 'composite'; infix?: string}
  }

  export interface Sys {
    retrieveLocale(lang: string): string | false
    retrieveItem(id: string): CslItem | undefined
    wrapCitationEntry?(html: string, id: string, locator: string, suffix: string): string
  }

  export interface BibliographyParameters {
    /** Ids of the entries, in order, one array per entry. */
    entry_ids: string[][]
    hangingindent?: number | boolean
    'second-field-align'?: string | false
    linespacing?: number
    entryspacing?: number
    bibstart: string
    bibend: string
  }

  export class Engine {
    constructor(sys: Sys, style: string | object, lang?: string, forceLang?: boolean)
    opt: {
      class: string
      development_extensions: Record<string, boolean>
      [option: string]: unknown
    }
    citation: {opt: {layout_prefix: string; layout_suffix: string; layout_delimiter: string; layout_decorations: Array<[string, string]>; [option: string]: unknown}}
    bibliography?: unknown
    rebuildProcessorState(citations: Citation[], mode: 'html' | 'text', uncited?: string[]): Array<[string, number, string]>
    makeCitationCluster(items: Array<CitationItem & Record<string, unknown>>): string
    makeBibliography(): [BibliographyParameters, string[]] | false
    updateItems(ids: string[]): void
    updateUncitedItems(ids: string[]): void
    setOutputFormat(mode: 'html' | 'text'): void
  }

  const CSL: {Engine: typeof Engine; parseXml(xml: string): object}
  export default CSL
}
