/**
 * `folio.yaml` in the folder of works (`manuscript/`): settings for every
 * work in it. Today it names the theme they share; a work's own front
 * matter or book.yaml may name another (docs/decisions/0010-themes.md).
 */
import path from 'node:path'
import type {Point} from 'unist'
import * as v from 'valibot'
import {VFile} from 'vfile'
import {fail} from '../messages.ts'
import type {WorkSource} from './discover-works.ts'
import {readFields, type FieldsKind} from './front-matter.ts'
import {sourceFile} from './source-file.ts'
import {readInsideWork, readLimits, refusal} from './work-folder.ts'

export const worksConfigFileName = 'folio.yaml'

const configKind: FieldsKind = {name: 'folio.yaml', field: 'folio.yaml field', rule: 'folio-yaml'}

export const worksConfigSchema = v.object({
  /** A theme's folder, relative to folio.yaml, inside the folder of works; or `default`. */
  theme: v.optional(v.pipe(v.string('must be text, not a list or a map'), v.trim(), v.minLength(1, 'is empty')))
})

export interface WorksConfig {
  file: VFile
  fields?: v.InferOutput<typeof worksConfigSchema>
  placeOf: (keys: Array<string | number>) => Point
}

/**
 * The folder that holds a work: a single file's own folder, or the folder
 * above a work of chapters. It is where folio.yaml is, and the bound of
 * every theme a work names.
 */
export function worksFolderOf(work: Pick<WorkSource, 'kind' | 'root'>): string {
  return work.kind === 'file' ? work.root : path.dirname(work.root)
}

/** folio.yaml of the folder of works, when there is one. */
export async function readWorksConfig(worksFolder: string): Promise<WorksConfig | undefined> {
  const found = await readInsideWork(worksFolder, worksFolder, worksConfigFileName, readLimits.book)
  if (!found.ok) {
    if (found.reason === 'missing') return undefined
    const file = new VFile({path: path.join(worksFolder, worksConfigFileName)})
    fail(file, `${worksConfigFileName} ${refusal(found)}`, {line: 1, column: 1}, 'works-config')
    return {file, placeOf: () => ({line: 1, column: 1})}
  }
  const file = sourceFile(found.absolute, found.bytes)
  const {fields, placeOf} = readFields(String(file.value), file, {line: 1, column: 1}, worksConfigSchema, configKind)
  return {file, ...(fields ? {fields} : {}), placeOf}
}
