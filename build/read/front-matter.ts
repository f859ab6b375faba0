/**
 * Reads YAML (front matter, book.yaml, folio.yaml, a theme's theme.yaml)
 * with positions, and checks it against a schema. Syntax errors and wrong
 * types are errors; unknown keys, at the top or inside an entry (an
 * author's `affiliaton`), are warnings with a suggestion when one is close.
 * Every message points into the author's file.
 */
import type {Point} from 'unist'
import * as v from 'valibot'
import type {VFile} from 'vfile'
import {isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document as YamlDocument, type Node as YamlNode, type YAMLError} from 'yaml'
import {fail, warn} from '../messages.ts'

/** Any valibot object schema: what a YAML file of fields may hold. */
export type FieldsSchema = v.ObjectSchema<v.ObjectEntries, v.ErrorMessage<v.ObjectIssue> | undefined>

/** What the file is called in messages, and its rule ids' prefix. */
export interface FieldsKind {
  /** "Front matter", "theme.yaml". */
  name: string
  /** "front-matter field", "theme field". */
  field: string
  /** Prefix of the messages' rule ids. */
  rule: string
}

export const frontMatterKind: FieldsKind = {name: 'Front matter', field: 'front-matter field', rule: 'front-matter'}

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
  schema: Schema,
  kind: FieldsKind = frontMatterKind
): FieldsResult<Schema> {
  const fields = check(yamlText, file, start, schema, kind)
  return {fields: fields.value, placeOf: fields.placeOf}
}

function check<Schema extends FieldsSchema>(
  yamlText: string,
  file: VFile,
  start: Point,
  schema: Schema,
  kind: FieldsKind
): {value: v.InferOutput<Schema> | undefined; placeOf: (keys: Array<string | number>) => Point} {
  const capital = kind.field[0]!.toUpperCase() + kind.field.slice(1)
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
    warn(file, `${kind.name}: ${firstLine(warning.message)}`, at(warning.pos[0]), `${kind.rule}-yaml`)
  }
  if (yaml.errors.length > 0) {
    for (const error of yaml.errors) {
      fail(file, `${kind.name} is not valid YAML: ${firstLine(error.message)}`, at(errorStart(yaml, error)), `${kind.rule}-yaml`)
    }
    return failed
  }

  let value: unknown
  try {
    value = yaml.toJS({maxAliasCount}) ?? {}
  } catch (error) {
    fail(file, `${kind.name} cannot be read: ${firstLine(String((error as Error).message))}`, at(0), `${kind.rule}-yaml`)
    return failed
  }
  if (typeof value !== 'object' || Array.isArray(value) || !isMap(yaml.contents)) {
    if (yaml.contents === null) value = {}
    else {
      fail(file, `${kind.name} must be a list of \`key: value\` fields`, at(yaml.contents.range[0]), `${kind.rule}-shape`)
      return failed
    }
  }

  reportUnknownKeys(yaml.contents, schema, [], {file, at, kind})
  const result = v.safeParse(schema, value)
  if (result.success) return {value: result.output, placeOf}
  for (const issue of result.issues) {
    const keys = (issue.path ?? []).map((item) => item.key as string | number)
    const field = keys.join('.')
    if (issue.kind === 'schema' && issue.input === undefined) {
      const where = keys.length > 1 ? placeOf(keys.slice(0, -1)) : placeOf([])
      fail(file, `${kind.name} has no \`${field}\`: add \`${String(keys.at(-1))}: …\``, where, `${kind.rule}-missing`)
    } else {
      fail(file, `${capital} \`${field}\` ${issue.message}`, placeOf(keys), `${kind.rule}-type`)
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

interface UnknownKeyContext {
  file: VFile
  at: (offset: number | undefined) => Point
  kind: FieldsKind
}

/**
 * Warn of every key the schema does not know, walking the YAML beside the
 * schema: into the entries of a map it knows, and the items of a list (so an
 * author's unknown `affiliaton` is found, not silently dropped).
 */
function reportUnknownKeys(node: unknown, schema: v.GenericSchema, keys: Array<string | number>, context: UnknownKeyContext): void {
  if (isMap(node)) {
    const object = shapeOf(schema, 'object') as FieldsSchema | undefined
    if (!object) return
    const known = Object.keys(object.entries)
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue
      const key = String(pair.key.value)
      if (known.includes(key)) {
        reportUnknownKeys(pair.value, object.entries[key] as v.GenericSchema, [...keys, key], context)
        continue
      }
      const close = closest(key, known)
      const hint = close ? ` (did you mean \`${close}\`?)` : ''
      const reason = keys.length === 0
        ? `Unknown ${context.kind.field} \`${key}\` is ignored${hint}`
        : `Unknown field \`${key}\` in \`${pathText(keys)}\` is ignored${hint}`
      warn(context.file, reason, context.at(pair.key.range?.[0]), `${context.kind.rule}-unknown`)
    }
  } else if (isSeq(node)) {
    const list = shapeOf(schema, 'array') as {item: v.GenericSchema} | undefined
    if (!list) return
    for (const [index, item] of node.items.entries()) reportUnknownKeys(item, list.item, [...keys, index], context)
  }
}

/** The object (or array) schema inside optional, pipe and union wrappers, if there is one. */
function shapeOf(schema: v.GenericSchema | undefined, type: 'object' | 'array'): v.GenericSchema | undefined {
  if (!schema) return undefined
  if (schema.type === type) return schema
  const wrapper = schema as unknown as {wrapped?: v.GenericSchema; options?: v.GenericSchema[]}
  if (wrapper.wrapped) return shapeOf(wrapper.wrapped, type)
  for (const option of wrapper.options ?? []) {
    const found = shapeOf(option, type)
    if (found) return found
  }
  return undefined
}

/** `authors[1]`, `colors.light`. */
function pathText(keys: Array<string | number>): string {
  return keys.map((key, index) => (typeof key === 'number' ? `[${key + 1}]` : index === 0 ? key : `.${key}`)).join('')
}

/** A known key the author probably meant: the same but for case and dashes, another tool's name for it, or one typo away. */
export function closest(key: string, known: string[]): string | undefined {
  const wanted = normalise(key)
  const same = known.find((name) => normalise(name) === wanted)
  if (same) return same
  const synonym = synonyms[wanted]
  if (synonym && known.includes(synonym)) return synonym
  if (wanted.length < 4) return undefined
  let best: {name: string; distance: number} | undefined
  for (const name of known) {
    const distance = editDistance(wanted, normalise(name))
    if (distance <= (wanted.length > 7 ? 2 : 1) && (!best || distance < best.distance)) best = {name, distance}
  }
  return best?.name
}

/** Levenshtein distance (one insertion, deletion or substitution is 1), for short keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
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
  pagesize: 'page-size',
  licence: 'license',
  rightslicense: 'license',
  reportnumber: 'report-number',
  report: 'report-number',
  place: 'publisher-place',
  location: 'publisher-place',
  city: 'publisher-place',
  shorttitle: 'short-title',
  runningtitle: 'short-title',
  affiliations: 'affiliation',
  institution: 'affiliation',
  organization: 'affiliation',
  organisation: 'affiliation',
  biography: 'bio',
  about: 'bio',
  homepage: 'url',
  website: 'url',
  link: 'url',
  mail: 'email',
  orcidid: 'orcid',
  colours: 'colors',
  font: 'faces',
  fonts: 'faces'
}

function normalise(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '')
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')
}
