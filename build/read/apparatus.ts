/**
 * A work's research apparatus, read before its chapters: the sources its
 * `bibliography` field names, the style its `csl` field asks for, and the
 * sources `nocite` lists. A work without a bibliography has none, and its
 * `@…` stay text (cross-references aside).
 */
import type {Point} from 'unist'
import type {VFile} from 'vfile'
import {readBibliography, type Bibliography} from './bibliography.ts'
import {readCitationStyle, type CitationStyle} from './citation-style.ts'
import type {WorkFields} from './front-matter-schema.ts'
import {warn} from '../messages.ts'

export interface Apparatus {
  bibliography: Bibliography
  style: CitationStyle
  /** BCP 47 language of the work. */
  lang: string
  /** Keys listed by `nocite` (`*` for every entry). */
  nocite: string[]
  /** Every file read for it, with its messages (a bibliography's syntax errors). */
  files: VFile[]
}

export interface ApparatusSource {
  fields: WorkFields
  /** The file the fields are in (front matter or book.yaml). */
  file: VFile
  placeOf: (keys: Array<string | number>) => Point
}

/**
 * @param root Real path of the work's folder.
 * @param lang The work's language.
 */
export async function readApparatus(root: string, source: ApparatusSource, lang: string): Promise<Apparatus | undefined> {
  const {fields, file, placeOf} = source
  const list = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : value ? [value] : []).filter(Boolean)
  const references = list(fields.bibliography)
  if (references.length === 0) {
    if (fields.csl) warn(file, 'A citation style (`csl`) without a `bibliography`: there are no sources to cite', placeOf(['csl']), 'citation-style')
    return undefined
  }
  const bibliography = await readBibliography(root, references, file, placeOf(['bibliography']))
  const style = await readCitationStyle(root, fields.csl, file, placeOf(['csl']))
  // `nocite: "@a, @b"` as Pandoc writes it, or a list.
  const nocite = list(fields.nocite)
    .flatMap((entry) => entry.split(/[,;\s]+/))
    .map((key) => key.replace(/^@/, ''))
    .filter(Boolean)
  for (const key of nocite) {
    if (key !== '*' && !bibliography.items.has(key)) warn(file, `Unknown citation key \`${key}\` in \`nocite\`: no entry in the bibliography`, placeOf(['nocite']), 'citation-key')
  }
  return {bibliography, style, lang, nocite, files: bibliography.files.map((read) => read.file)}
}
