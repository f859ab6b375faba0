/**
 * The build report, `<out>/<slug>.report.json`, one per work: what was built
 * (each edition's size, pages, time), the work's words and chapters, every
 * warning, and what the checks found when they ran. For people and for the
 * tools of a publishing pipeline.
 */
import path from 'node:path'
import {toString} from 'hast-util-to-string'
import type {Document} from '../document/document.ts'
import type {EditionCheck} from '../check/check-editions.ts'
import type {EditionOutcome, WorkOutcome} from '../cli/session.ts'
import {writeEdition} from './write-edition.ts'

export interface BuildReport {
  work: string
  title: string
  words: number
  chapters: number
  milliseconds: number
  editions: Array<{format: string; file: string; bytes: number; pages?: number; milliseconds: number}>
  messages: Array<{file: string; line?: number; column?: number; severity: 'error' | 'warning'; reason: string; rule?: string}>
  checks?: Array<{edition: string; check: string; status: string; summary: string; problems: string[]}>
}

/** Words of the work's text (notes included). */
export function wordCount(document: Document): number {
  let words = 0
  for (const chapter of document.chapters) words += toString(chapter.tree).split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length
  return words
}

export function buildReport(outcome: WorkOutcome, milliseconds: number): BuildReport {
  const document = outcome.document!
  return {
    work: outcome.work.name,
    title: document.metadata.title,
    words: wordCount(document),
    chapters: document.chapters.length,
    milliseconds: Math.round(milliseconds),
    editions: outcome.editions.map((edition: EditionOutcome) => ({
      format: edition.format,
      file: path.basename(edition.target),
      bytes: edition.bytes,
      ...(edition.pages === undefined ? {} : {pages: edition.pages}),
      milliseconds: Math.round(edition.milliseconds)
    })),
    messages: outcome.files.flatMap((file) =>
      file.messages.map((message) => ({
        file: path.relative(process.cwd(), file.path),
        ...(message.line === undefined ? {} : {line: message.line}),
        ...(message.column === undefined ? {} : {column: message.column}),
        severity: message.fatal ? ('error' as const) : ('warning' as const),
        reason: message.reason,
        ...(message.ruleId ? {rule: message.ruleId} : {})
      }))
    ),
    ...(outcome.checks ? {checks: outcome.checks.flatMap((edition: EditionCheck) => edition.results.map((result) => ({...result})))} : {})
  }
}

export async function writeReport(outcome: WorkOutcome, out: string, milliseconds: number): Promise<void> {
  const report = buildReport(outcome, milliseconds)
  await writeEdition(path.join(out, `${outcome.work.slug}.report.json`), new TextEncoder().encode(`${JSON.stringify(report, undefined, 2)}\n`), {
    what: `the build report of ${outcome.work.name}`
  })
}
