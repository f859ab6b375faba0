/**
 * `folio build`: every work named (or in manuscript/) to its editions, with
 * one progress line per edition, every problem listed, and a summary.
 */
import path from 'node:path'
import type {VFileMessage} from 'vfile-message'
import {describeTally, formatMessages, formatSize, tally} from '../output/report.ts'
import {compareRebuilds} from '../check/reproducible.ts'
import {wordCount} from '../output/build-report.ts'
import type {BrowserService} from '../browser/browser-service.ts'
import {PublishingSession, type SessionOptions} from '../publish/session.ts'
import {describeCounts, printChecks, type Counts} from './check-report.ts'
import type {Console} from './console.ts'
import {ProgressReporter, type ProgressOutput} from '../output/progress.ts'

export interface BuildOptions extends Omit<SessionOptions, 'out'> {
  /** Build every work a second time and compare the bytes. */
  reproducibleCheck?: boolean
  /** Works named on the command line; empty means every work in `manuscript/`. */
  works: string[]
  /** Output folder, relative to `cwd`. */
  out: string
  /** A browser to use instead of starting one (its owner closes it). */
  browser?: BrowserService
  /** Where progress is shown while the editions are built; none without. */
  progress?: ProgressOutput
  /** The process ends with the build: its browser is left to close by itself (BrowserService.close's `leave`). */
  exits?: boolean
}

/** Returns the exit code: 0 built, 1 manuscript errors. Usage errors throw UsageError. */
export async function runBuild(options: BuildOptions, console: Console, signal?: AbortSignal): Promise<number> {
  const started = performance.now()
  const reporter = options.progress ? new ProgressReporter(options.progress) : undefined
  const session = new PublishingSession(
    {...options, out: path.resolve(options.cwd, options.out), ...(reporter ? {onProgress: (event) => reporter.event(event)} : {})},
    options.browser
  )
  // Chromium's process starts first; it gets ready while the works are found and read.
  await session.warmUp()
  const works = await session.findWorks(options.works, options.cwd)
  const printed = new Set<VFileMessage>()
  const counts: Counts = {passed: 0, failed: 0, skipped: 0}
  const files = []
  signal?.addEventListener('abort', () => void session.close(), {once: true})
  let editions = 0
  let failed = 0
  try {
    for (const work of works) {
      if (signal?.aborted) break
      const outcome = await session.publish(work)
      // The live lines make way for the lines that stay.
      reporter?.clear()
      files.push(...outcome.files)
      for (const line of formatMessages(outcome.files, printed, options.cwd, console.color)) console.err(line)
      if (!outcome.built) {
        failed++
        console.err(`${work.name}: not built (fix the errors above; earlier editions are left as they were)`)
        continue
      }
      for (const edition of outcome.editions) {
        editions++
        const unchanged = edition.written ? '' : '  (unchanged)'
        const pages = edition.pages === undefined ? '' : `  ${edition.pages} page${edition.pages === 1 ? '' : 's'}`
        console.out(
          `${edition.format.padEnd(9)} ${path.relative(options.cwd, edition.target)}  ${formatSize(edition.bytes)}${pages}  ${Math.round(edition.milliseconds)} ms${unchanged}`
        )
      }
      if (outcome.document) console.out(`          ${wordCount(outcome.document).toLocaleString('en')} words, ${outcome.document.chapters.length} chapter${outcome.document.chapters.length === 1 ? '' : 's'}; report: ${path.relative(options.cwd, path.join(session.options.out, `${work.slug}.report.json`))}`)
      if (outcome.checks) {
        printChecks(`Checks of ${work.slug}`, outcome.checks, console, counts)
        for (const line of formatMessages(outcome.files, printed, options.cwd, console.color)) console.err(line)
      }
      if (options.reproducibleCheck) {
        // A second session: no cache, the same options, the same browser.
        const again = await new PublishingSession({...session.options, check: false}, session.browser).build(work)
        const rebuilt = again.editions.map(({edition, bytes}) => ({
          format: edition.format,
          bytes,
          target: outcome.editions.find((written) => written.format === edition.format)!.target,
          difference: edition.difference
        }))
        printChecks(`Rebuilt ${work.slug}`, [{format: 'all', file: '', results: await compareRebuilds(rebuilt)}], console, counts)
      }
    }
  } finally {
    reporter?.clear()
    await session.close({leave: options.exits === true && signal?.aborted !== true})
  }
  if (options.check || options.reproducibleCheck) console.out(`Checks: ${describeCounts(counts)}`)
  const seconds = ((performance.now() - started) / 1000).toFixed(2)
  const problems = describeTally(tally(files))
  const editionCount = `${editions} edition${editions === 1 ? '' : 's'}`
  const workCount = `${works.length - failed} of ${works.length} work${works.length === 1 ? '' : 's'}`
  console.out(`Built ${editionCount} (${workCount}) in ${seconds} s${problems ? `; ${problems}` : ''}`)
  return failed > 0 || counts.failed > 0 ? 1 : 0
}
