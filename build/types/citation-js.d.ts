/**
 * The part of citation-js (`@citation-js/core` with `@citation-js/plugin-bibtex`)
 * that Folio uses to read BibTeX and BibLaTeX; the packages ship no types.
 * https://citation.js.org/api/0.7/
 */
declare module '@citation-js/core' {
  export const plugins: {
    config: {get(name: '@bibtex'): {parse: {strict: boolean; sentenceCase: 'never' | 'english' | 'always'; biblatex: boolean}}}
    input: {chain(input: unknown, options?: {forceType?: string; generateGraph?: boolean; target?: string}): unknown}
  }
  export const util: unknown
  export const logger: unknown
}

declare module '@citation-js/plugin-bibtex' {}
