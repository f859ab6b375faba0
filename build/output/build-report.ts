/**
 * The build report, `<out>/<slug>.report.json`, one per work: what was built
 * (each edition's size, pages, time), the work's words and chapters, every
 * warning, and what the checks found when they ran. For people and for the
 * tools of a publishing pipeline.
 */
import {readFile, unlink} from 'node:fs/promises'
import path from 'node:path'
import {toString} from 'hast-util-to-string'
import type {VFile} from 'vfile'
import type {EditionCheck} from '../check/results.ts'
import type {Document} from '../document/document.ts'
import {editionOfFile} from '../editions/index.ts'
import {writeEdition} from '../write-whole.ts'

/** An edition as a build wrote it. */
export interface WrittenEdition {
  format: string
  /** Absolute path of the edition. */
  target: string
  bytes: number
  milliseconds: number
  /** False when the file already held these bytes. */
  written: boolean
  /** Pages, for a paged edition. */
  pages?: number
  /** Files written beside it (the HTML page's Open Graph image): absolute paths and sizes. */
  companions?: Array<{target: string; bytes: number}>
}

/** What the report tells of one work's build. */
export interface ReportedWork {
  work: {name: string; slug: string}
  document: Document
  /** Every source file read, with its messages. */
  files: VFile[]
  editions: WrittenEdition[]
  checks?: EditionCheck[]
}

export interface BuildReport {
  work: string
  title: string
  words: number
  chapters: number
  milliseconds: number
  editions: Array<{format: string; file: string; bytes: number; pages?: number; milliseconds: number; companions?: Array<{file: string; bytes: number}>}>
  messages: Array<{file: string; line?: number; column?: number; severity: 'error' | 'warning'; reason: string; rule?: string}>
  checks?: Array<{edition: string; check: string; status: string; summary: string; problems: string[]}>
}

/** Words of the work's text (notes included). */
export function wordCount(document: Document): number {
  let words = counted.get(document)
  if (words === undefined) {
    words = 0
    for (const chapter of document.chapters) words += countWords(toString(chapter.tree))
    counted.set(document, words)
  }
  return words
}

/**
 * Runs of characters between white space (as `\s` has it) with a letter or
 * a figure in them, read in one pass: splitting the 50x work's text into
 * words first took 30–50 ms, in every report.
 */
function countWords(text: string): number {
  let words = 0
  const length = text.length
  let at = 0
  while (at < length) {
    while (at < length && isWhiteSpace(text.charCodeAt(at))) at++
    const start = at
    while (at < length && !isWhiteSpace(text.charCodeAt(at))) at++
    for (let index = start; index < at; index++) {
      const code = text.charCodeAt(index)
      // ASCII letters and figures are told at once; the Unicode classes, slower to test, are asked only beyond ASCII.
      if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 128 && letterOrFigure.test(text.slice(start, at)))) {
        words++
        break
      }
      if (code >= 128) break
    }
  }
  return words
}

/** White space as JavaScript's `\s` has it. */
function isWhiteSpace(code: number): boolean {
  return (
    code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  )
}

const letterOrFigure = /[\p{L}\p{N}]/u

/** Counted once per Document: watch mode's preview asks as each edition is written, and the report at the end (a long work's count takes tens of milliseconds). */
const counted = new WeakMap<Document, number>()

/**
 * @param cwd Folder the messages' file names are relative to.
 */
export function buildReport(outcome: ReportedWork, milliseconds: number, cwd: string): BuildReport {
  const document = outcome.document
  return {
    work: outcome.work.name,
    title: document.metadata.title,
    words: wordCount(document),
    chapters: document.chapters.length,
    milliseconds: Math.round(milliseconds),
    editions: outcome.editions.map((edition) => ({
      format: edition.format,
      file: path.basename(edition.target),
      bytes: edition.bytes,
      ...(edition.pages === undefined ? {} : {pages: edition.pages}),
      milliseconds: Math.round(edition.milliseconds),
      ...(edition.companions ? {companions: edition.companions.map((file) => ({file: path.basename(file.target), bytes: file.bytes}))} : {})
    })),
    messages: outcome.files.flatMap((file) =>
      file.messages.map((message) => ({
        file: path.relative(cwd, file.path),
        ...(message.line === undefined ? {} : {line: message.line}),
        ...(message.column === undefined ? {} : {column: message.column}),
        severity: message.fatal ? ('error' as const) : ('warning' as const),
        reason: message.reason,
        ...(message.ruleId ? {rule: message.ruleId} : {})
      }))
    ),
    ...(outcome.checks ? {checks: outcome.checks.flatMap((edition) => edition.results.map((result) => ({...result})))} : {})
  }
}

export async function writeReport(outcome: ReportedWork, out: string, milliseconds: number, cwd: string): Promise<void> {
  const report = buildReport(outcome, milliseconds, cwd)
  await writeEdition(reportFile(out, outcome.work.slug), new TextEncoder().encode(`${JSON.stringify(report, undefined, 2)}
`), {
    what: `the build report of ${outcome.work.name}`
  })
}

/** Where the report of the work `slug` is written. */
export function reportFile(out: string, slug: string): string {
  return path.join(out, `${slug}.report.json`)
}

/**
 * Remove what Folio wrote for a work that no longer exists: the editions its
 * report names, then the report. Nothing else is removed: a report's entry
 * that is not a file name of one of this work's editions (another folder, a
 * user's file, another work's edition) is left alone, and without a report
 * nothing is removed at all.
 *
 * @returns The files removed.
 */
export async function removeReportedEditions(out: string, slug: string): Promise<string[]> {
  const report = reportFile(out, slug)
  let editions: unknown
  try {
    editions = (JSON.parse(await readFile(report, 'utf8')) as Partial<BuildReport>).editions
  } catch {
    return []
  }
  const files = (Array.isArray(editions) ? editions : [])
    .map((edition) => (edition as {file?: unknown}).file)
    .filter((file): file is string => typeof file === 'string' && path.basename(file) === file && editionOfFile(file)?.slug === slug)
  const removed: string[] = []
  for (const file of [...new Set(files)].map((name) => path.join(out, name)).concat(report)) {
    try {
      await unlink(file)
      removed.push(file)
    } catch (error) {
      // An edition the user removed already is no error.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return removed
}
