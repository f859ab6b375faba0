/**
 * Reads YAML (front matter or book.yaml) with positions, and checks it
 * against a schema. Syntax errors and wrong types are errors; unknown keys
 * are warnings. Every message points into the author's file.
 */
import type {Point} from 'unist'
import * as v from 'valibot'
import type {VFile} from 'vfile'
import {isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document as YamlDocument, type YAMLError} from 'yaml'
import {fail, warn} from '../messages.ts'
import type {FieldsSchema} from './front-matter-schema.ts'

/** Refuse alias expansion beyond this (a "billion laughs" document). */
const maxAliasCount = 100

export interface FieldsResult<Schema extends FieldsSchema> {
  /** The checked fields, or undefined when there were errors. */
  fields: v.InferOutput<Schema> | undefined
  /** Where the value at `keys` (such as `['chapters', 2]`) stands in the file. */
  placeOf: (keys: Array<string | number>) => Point
}

/**
 * @param yamlText The YAML source.
 * @param file The file it came from; messages go there.
 * @param start Where the YAML text starts in that file (1-based line and column).
 * @param schema What the fields may be.
 */
export function readFields<Schema extends FieldsSchema>(
  yamlText: string,
  file: VFile,
  start: Point,
  schema: Schema
): FieldsResult<Schema> {
  const fields = check(yamlText, file, start, schema)
  return {fields: fields.value, placeOf: fields.placeOf}
}

function check<Schema extends FieldsSchema>(
  yamlText: string,
  file: VFile,
  start: Point,
  schema: Schema
): {value: v.InferOutput<Schema> | undefined; placeOf: (keys: Array<string | number>) => Point} {
  const lineCounter = new LineCounter()
  const yaml = parseDocument(yamlText, {
    schema: 'failsafe',
    uniqueKeys: true,
    prettyErrors: true,
    lineCounter
  })
  const at = (offset: number | undefined): Point => {
    const {line, col} = lineCounter.linePos(offset ?? 0)
    return {line: line + start.line - 1, column: line === 1 ? col + start.column - 1 : col}
  }
  const placeOf = (keys: Array<string | number>): Point => {
    const node = yaml.getIn(keys, true) as {range?: [number, number, number]} | undefined
    return at(node?.range?.[0] ?? yaml.contents?.range[0])
  }
  const failed = {value: undefined, placeOf}

  for (const warning of yaml.warnings) {
    warn(file, `Front matter: ${firstLine(warning.message)}`, at(warning.pos[0]), 'front-matter-yaml')
  }
  if (yaml.errors.length > 0) {
    for (const error of yaml.errors) {
      fail(file, `Front matter is not valid YAML: ${firstLine(error.message)}`, at(errorStart(yaml, error)), 'front-matter-yaml')
    }
    return failed
  }

  let value: unknown
  try {
    value = yaml.toJS({maxAliasCount}) ?? {}
  } catch (error) {
    fail(file, `Front matter cannot be read: ${firstLine(String((error as Error).message))}`, at(0), 'front-matter-yaml')
    return failed
  }
  if (typeof value !== 'object' || Array.isArray(value) || !isMap(yaml.contents)) {
    if (yaml.contents === null) value = {}
    else {
      fail(file, 'Front matter must be a list of `key: value` fields', at(yaml.contents.range[0]), 'front-matter-shape')
      return failed
    }
  }

  reportUnknownKeys(yaml, schema, file, at)
  const result = v.safeParse(schema, value)
  if (result.success) return {value: result.output, placeOf}
  for (const issue of result.issues) {
    const keys = (issue.path ?? []).map((item) => item.key as string | number)
    const field = keys.join('.')
    if (issue.kind === 'schema' && issue.input === undefined) {
      fail(file, `Front matter has no \`${field}\`: add \`${field}: …\``, placeOf([]), 'front-matter-missing')
    } else {
      fail(file, `Front-matter field \`${field}\` ${issue.message}`, placeOf(keys), 'front-matter-type')
    }
  }
  return failed
}

/** YAML reports an unclosed quote where the text ends; the author wants to see where it opens. */
function errorStart(yaml: YamlDocument.Parsed, error: YAMLError): number {
  let start = error.pos[0]
  if (error.code !== 'MISSING_CHAR' || !/quote/.test(error.message)) return start
  visit(yaml, {
    Scalar(_, node) {
      const [from, to] = node.range ?? [0, 0]
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && from <= start && to >= start) start = from
    }
  })
  return start
}

function reportUnknownKeys(
  yaml: YamlDocument.Parsed,
  schema: FieldsSchema,
  file: VFile,
  at: (offset: number | undefined) => Point
): void {
  if (!isMap(yaml.contents)) return
  const known = Object.keys(schema.entries)
  for (const pair of yaml.contents.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue
    const key = String(pair.key.value)
    if (known.includes(key)) continue
    const close = known.find((name) => normalise(name) === normalise(key)) ?? synonyms[normalise(key)]
    const hint = close && known.includes(close) ? ` (did you mean \`${close}\`?)` : ''
    warn(file, `Unknown front-matter field \`${key}\` is ignored${hint}`, at(pair.key.range?.[0]), 'front-matter-unknown')
  }
}

/** Names other tools use for a field Folio knows. */
const synonyms: Record<string, string> = {
  keywords: 'subject',
  subjects: 'subject',
  authors: 'author',
  creator: 'author',
  language: 'lang',
  id: 'identifier',
  isbn: 'identifier',
  abstract: 'description',
  summary: 'description',
  papersize: 'page-size',
  pagesize: 'page-size'
}

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '')
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}
