/**
 * `folio check`: the editions of each work in the output folder, checked
 * against the validators that are installed, Folio's own checks and the
 * manuscript's text. Exit 1 when any check fails.
 */
import path from 'node:path'
import type {VFileMessage} from 'vfile-message'
import {hasErrors} from '../messages.ts'
import {formatMessages} from '../output/report.ts'
import {loadWork} from '../pipeline/load-work.ts'
import {editionSettings} from '../pipeline/settings.ts'
import {checkEditions} from '../publish/check-editions.ts'
import {chooseEditions} from '../publish/session.ts'
import {findWorks} from '../read/discover-works.ts'
import {describeCounts, printChecks, type Counts} from './check-report.ts'
import type {Console} from './console.ts'

export interface CheckCommandOptions {
  works: string[]
  out: string
  cwd: string
  formats?: string[]
  pageSize?: string
  /** Run the outside checkers (EPUBCheck, the Nu checker, Ace) when installed. */
  validators: boolean
}

export async function runCheck(options: CheckCommandOptions, console: Console): Promise<number> {
  const works = await findWorks(options.works, options.cwd)
  const out = path.resolve(options.cwd, options.out)
  const counts: Counts = {passed: 0, failed: 0, skipped: 0}
  const printed = new Set<VFileMessage>()
  let broken = 0
  for (const work of works) {
    const result = await loadWork(work)
    if (!result.document || hasErrors(result.files)) {
      for (const line of formatMessages(result.files, printed, options.cwd, console.color)) console.err(line)
      console.err(`${work.name}: the manuscript has errors; its editions cannot be checked against it`)
      broken++
      continue
    }
    // Only what the checks find: the manuscript's own warnings were shown when it was built.
    for (const file of result.files) for (const message of file.messages) printed.add(message)
    const settings = editionSettings(result.document, options.pageSize ? {pageSize: options.pageSize} : {})
    const checks = await checkEditions(result.document, settings, {
      out,
      cwd: options.cwd,
      tools: options.validators,
      ...(options.formats ? {editions: chooseEditions(options.formats)} : {})
    })
    if (checks.length === 0) {
      console.err(`${work.name}: no editions in ${path.relative(options.cwd, out) || '.'}/ (run folio build first)`)
      broken++
      continue
    }
    printChecks(work.slug, checks, console, counts)
    for (const line of formatMessages(result.files, printed, options.cwd, console.color)) console.err(line)
  }
  console.out(`Checked ${works.length} work${works.length === 1 ? '' : 's'}: ${describeCounts(counts)}`)
  return counts.failed > 0 || broken > 0 ? 1 : 0
}
