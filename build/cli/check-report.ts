/**
 * The short table `folio check` and `folio build --check` print:
 *
 *     winning-the-peace-in-ukraine
 *       html   own checks       pass  lang, title, 46 unique ids, …
 *       epub   EPUBCheck        pass  0 errors, 0 warnings
 */
import {styleText} from 'node:util'
import type {EditionCheck} from '../check/results.ts'
import {printable} from '../output/report.ts'
import type {Console} from './console.ts'

export interface Counts {
  passed: number
  failed: number
  skipped: number
}

export function printChecks(title: string, checks: EditionCheck[], console: Console, counts: Counts): void {
  console.out(printable(title))
  for (const edition of checks) {
    for (const result of edition.results) {
      counts[result.status === 'pass' ? 'passed' : result.status === 'fail' ? 'failed' : 'skipped']++
      const status = result.status === 'pass' ? 'pass' : result.status === 'fail' ? 'FAIL' : 'skip'
      const shown = console.color ? styleText(result.status === 'pass' ? 'green' : result.status === 'fail' ? 'red' : 'yellow', status) : status
      console.out(`  ${result.edition.padEnd(9)} ${result.check.padEnd(16)} ${shown}  ${printable(result.summary)}`)
      for (const problem of result.problems.slice(0, 20)) console.out(`      ${printable(problem)}`)
      if (result.problems.length > 20) console.out(`      … and ${result.problems.length - 20} more`)
    }
  }
}

export function describeCounts({passed, failed, skipped}: Counts): string {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`
}
