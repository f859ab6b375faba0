/**
 * Line plans kept between processes, in node_modules/.cache/folio/lines:
 * for each paragraph a work's last build set, its measures, its
 * Knuth–Plass breaks and whether Chromium followed them, in which layout
 * context (line-breaking.ts). One file per work, edition and browser. A
 * build of a work built before then sets its lines as a watch rebuild does:
 * it measures, plans and lays out only the paragraphs that changed
 * (planning and checking the others took half the line setting of a cold
 * build of the 50x work; measuring them, 250–300 ms more).
 *
 * A plan is kept under everything it is found from (the paragraph's
 * measures), a verdict under the page's style sheets, and the file under
 * the browser's path and file time: a kept plan is the one this process
 * would find, and the editions stay reproducible. A file that does not read
 * whole is not used; deleting the folder costs only time.
 */
import {readFile} from 'node:fs/promises'
import {cacheFile} from '../../project.ts'
import {keepInCacheAfterBuild} from '../../write-whole.ts'
import {forgetPlans, keepMeasures, keepPlans, plansRevision, type KeptPlan, type LinesUsed, type MeasuredBefore} from './line-breaking.ts'

const version = 2
/** Files read by this process: a watch session reads its work's once, and keeps the plans in memory from then on. */
const readFiles = new Set<string>()
/** The revision of the plans (`plansRevision`) each file was last written at: a rebuild that found nothing new writes nothing. */
const written = new Map<string, number>()

/** What a new process starts with: no plans, no file read or written (for the tests). */
export function forgetKeptPlans(): void {
  forgetPlans()
  readFiles.clear()
  written.clear()
}

/** The file of a work's edition (`edition` names it: its root, slug and kind) printed by a browser (`BrowserService.identity`). */
export function keptPlansFile(browser: string, edition: string): string {
  return cacheFile('lines', '.json', browser, edition)
}

/** Make the plans kept in `file` this process's own. */
export async function readKeptPlans(file: string): Promise<void> {
  if (readFiles.has(file)) return
  readFiles.add(file)
  const text = await readFile(file, 'utf8').catch(() => undefined)
  if (!text) return
  let kept: unknown
  try {
    kept = JSON.parse(text)
  } catch {
    return
  }
  const {version: read, plans, measures} = (kept ?? {}) as {version?: unknown; plans?: unknown; measures?: unknown}
  if (read !== version || !Array.isArray(plans) || !Array.isArray(measures)) return
  keepPlans(plans.filter(wholeEntry))
  keepMeasures(measures.filter(wholeMeasure))
}

/** The plans and measures a build used, kept for the next process: written once the build has ended (`keepInCacheAfterBuild`). */
export function writeKeptPlans(file: string, used: LinesUsed): void {
  if (written.get(file) === plansRevision()) return
  written.set(file, plansRevision())
  keepInCacheAfterBuild(
    file,
    () => {
      const plans = [...used.plans].map(([key, plan]) => [key, {breaks: plan.breaks ?? null, ...(plan.followed ? {followed: plan.followed} : {})}])
      return new TextEncoder().encode(JSON.stringify({version, plans, measures: [...used.measures]}))
    },
    'the cache of line plans'
  )
}

/** A paragraph's measures as line-breaking.ts keeps them (`MeasuredBefore`), every field of its kind. */
function wholeMeasure(entry: unknown): entry is [string, MeasuredBefore] {
  if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') return false
  const before = entry[1] as {measured?: Record<string, unknown>; places?: unknown}
  if (before === null || typeof before !== 'object' || before.measured === null || typeof before.measured !== 'object') return false
  const {measured, places} = before
  const numbers = ['width', 'indent', 'space', 'hyphen', 'count'].every((name) => typeof measured[name] === 'number' && Number.isFinite(measured[name]))
  const flags = typeof measured.justified === 'boolean' && typeof measured.rtl === 'boolean' && typeof measured.digest === 'string'
  return numbers && flags && Object.keys(measured).length === 8 && Array.isArray(places) && places.every((place) => Number.isInteger(place) && place >= 0)
}

function wholeEntry(entry: unknown): entry is [string, KeptPlan] {
  if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') return false
  const plan = entry[1] as {breaks?: unknown; followed?: {context?: unknown; followed?: unknown}}
  if (plan === null || typeof plan !== 'object') return false
  if (plan.breaks === null) plan.breaks = undefined
  else if (!Array.isArray(plan.breaks) || !plan.breaks.every((item) => Number.isInteger(item) && item >= 0)) return false
  return plan.followed === undefined || (typeof plan.followed.context === 'string' && typeof plan.followed.followed === 'boolean')
}
