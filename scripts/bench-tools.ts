/**
 * What scripts/bench.ts measures with: the print page Folio serves,
 * recorded so that a bare print can load the very same page; a bare print
 * in a running browser and as a whole process (scripts/bare-print.js); a
 * whole process with the memory and CPU of every process it starts;
 * medians with their spread.
 */
import {spawn, spawnSync} from 'node:child_process'
import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Page} from 'puppeteer'
import {BrowserService, type Job} from '../build/browser/browser-service.ts'
import {folioChromiumArguments} from '../build/browser/chromium-arguments.ts'
import type {Progress} from '../build/browser/stall-watch.ts'
import type {Resource, Site} from '../build/browser/virtual-origin.ts'
import {watchProcessTree} from '../build/browser/process-tree.ts'

export const project = fileURLToPath(new URL('../', import.meta.url))

/** Progress on stderr, so that stdout stays the tables. */
const benchStarted = performance.now()
export function progress(what: string): void {
  const seconds = Math.round((performance.now() - benchStarted) / 1000)
  process.stderr.write(`[bench ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}] ${what}\n`)
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
export const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`
export const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024).toLocaleString('en')} MB`
/** A median and its spread: `1.23 (1.10–1.40)`, or the one value. */
export const spread = (values: number[], format: (value: number) => string) =>
  values.length === 1 ? format(values[0]!) : `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`
export const ratio = (value: number) => value.toFixed(2)
/** `pass` or `FAIL` against a target. */
export const verdict = (passes: boolean) => (passes ? 'pass' : '**FAIL**')

/** The page of a print job, and everything the page asked the virtual origin for. */
export interface RecordedSite {
  html: string
  resources: Map<string, Resource>
}

/** Thrown once the print page has loaded, when only the page was wanted. */
class Recorded extends Error {}

/**
 * A browser service that records the page Folio prints (the first job whose
 * description says it prints a PDF) and what that page loads. With
 * `recordOnly`, the job stops once the page has loaded and gone quiet: the
 * edition fails, and the page is kept without printing it (a long book's
 * print costs minutes).
 */
export class RecordingBrowser extends BrowserService {
  recordOnly = false
  recorded: RecordedSite | undefined

  override run<T>(job: Job, work: (page: Page, progress: Progress) => Promise<T>): Promise<T> {
    if (this.recorded || !/^printing the PDF/.test(job.description)) return super.run(job, work)
    const recorded: RecordedSite = {html: '', resources: new Map()}
    this.recorded = recorded
    const site: Site = (pathname) => {
      const resource = job.site(pathname)
      if (resource) {
        recorded.resources.set(pathname, resource)
        if (pathname === '/index.html' && !recorded.html) recorded.html = withoutLoadingHints(String(resource.body))
      }
      return resource
    }
    if (!this.recordOnly) return super.run({...job, site}, work)
    return super.run({...job, site}, async (page) => {
      await page.waitForNetworkIdle({idleTime: 300, timeout: 0})
      throw new Recorded('recorded')
    })
  }
}

/**
 * The print page as a plain document, which is what a bare print is made
 * of: without what Folio adds to its page to load it fast
 * (build/editions/pdf/print-page.ts), the style that keeps it from being
 * laid out for the screen before its lines are set and the preloads of its
 * faces. A page is laid out for the screen as it loads; with those, a bare
 * print skips that layout too (about 100 ms on the brief, 300–600 ms on
 * the 50x work), which is not what printing the document costs.
 */
export function withoutLoadingHints(html: string): string {
  return html.replace(/<style data-folio-unshown[\s\S]*?<\/style>/, '').replace(/<link rel="preload"[^>]*>/g, '')
}

/** Whether an error is the stop after recording (wrapped by the edition's error). */
export function isRecorded(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) if (cause instanceof Recorded) return true
  return /recorded$/.test((error as Error)?.message ?? '')
}

export function replaySite(recorded: RecordedSite): Site {
  return (pathname) => (pathname === '/index.html' ? {contentType: 'text/html', body: recorded.html} : recorded.resources.get(pathname))
}

/** The recorded page into `folder`, as scripts/bare-print.js reads it. */
export function writeSite(recorded: RecordedSite, folder: string): string {
  mkdirSync(folder, {recursive: true})
  const manifest: Record<string, {file: string; contentType: string}> = {}
  let index = 0
  for (const [pathname, resource] of recorded.resources) {
    const file = pathname === '/index.html' ? 'index.html' : `resource-${index++}`
    writeFileSync(path.join(folder, file), pathname === '/index.html' ? recorded.html : resource.body)
    manifest[pathname] = {file, contentType: resource.contentType}
  }
  writeFileSync(path.join(folder, 'site.json'), JSON.stringify(manifest))
  return folder
}

/** A bare page.pdf() of the recorded page in a running browser: load and print, milliseconds. */
export async function barePrint(browser: BrowserService, recorded: RecordedSite): Promise<number> {
  const started = performance.now()
  await browser.run({description: 'a bare print', site: replaySite(recorded)}, (page) =>
    page.pdf({preferCSSPageSize: true, printBackground: true, outline: true, tagged: true, timeout: 0})
  )
  return performance.now() - started
}

export interface ProcessRun {
  /** From spawn to exit. */
  milliseconds: number
  /**
   * User and system CPU time of every process of the tree: as sampled from /proc (each process to its
   * last sample) when sampled, else GNU time's. GNU time counts only the descendants that were waited
   * for, and Chromium's renderers are not (their parent exits first): it saw a tenth of a long build's CPU.
   */
  cpuMilliseconds: number
  /** GNU time's user and system CPU time (the process and the descendants waited for), when GNU time is there. */
  waitedCpuMilliseconds?: number
  /** Peak of the summed proportional and resident sizes of the whole process tree, sampled. */
  peakPss: number
  peakRss: number
  stdout: string
  stderr: string
  status: number | null
}

const hasGnuTime = spawnSync('sh', ['-c', 'test -x /usr/bin/time'], {stdio: 'ignore'}).status === 0

/**
 * A whole process, its tree sampled every `interval` ms (/proc: PSS from
 * smaps_rollup and RSS of every process below it, summed).
 */
export function sampledProcess(command: string, args: string[], options: {env?: NodeJS.ProcessEnv; interval?: number; sample?: boolean} = {}): Promise<ProcessRun> {
  const started = performance.now()
  const child = hasGnuTime
    ? spawn('/usr/bin/time', ['-f', 'BENCH_CPU=%U %S', command, ...args], {cwd: project, env: options.env ?? process.env})
    : spawn(command, args, {cwd: project, env: options.env ?? process.env})
  const watch = options.sample === false || !child.pid ? undefined : watchProcessTree(child.pid, {interval: options.interval ?? 500, pss: true})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (status) => {
      const milliseconds = performance.now() - started
      watch?.stop()
      const times = /BENCH_CPU=([\d.]+) ([\d.]+)/.exec(stderr)
      stderr = stderr.replace(/^BENCH_CPU=.*\n?/m, '')
      const waited = times ? (Number(times[1]) + Number(times[2])) * 1000 : undefined
      const cpuMilliseconds = watch ? Math.max(watch.cpuMilliseconds, waited ?? 0) : (waited ?? 0)
      resolve({milliseconds, cpuMilliseconds, ...(waited === undefined ? {} : {waitedCpuMilliseconds: waited}), peakPss: watch?.peakPss ?? 0, peakRss: watch?.peakRss ?? 0, stdout, stderr, status})
    })
  })
}

/** The environment of a build "with default settings": none of Folio's limits set. */
export function defaultEnvironment(): NodeJS.ProcessEnv {
  const env = {...process.env}
  for (const name of ['FOLIO_TIMEOUT', 'FOLIO_BROWSER_STALL', 'FOLIO_BROWSER_TIMEOUT']) delete env[name]
  return env
}

export interface BareRun extends ProcessRun {
  /** From the bare process's start: browser launched, page loaded, printed. */
  launched: number
  loaded: number
  printed: number
}

/** scripts/bare-print.js on a recorded site, as a whole process. */
export async function bareProcess(site: string, out: string, browser: {executablePath: string; headless: true | 'shell'}, sample = false): Promise<BareRun> {
  const run = await sampledProcess(process.execPath, [path.join(project, 'scripts', 'bare-print.js'), site, out, browser.executablePath, String(browser.headless), JSON.stringify(folioChromiumArguments())], {sample})
  if (run.status !== 0) throw new Error(`the bare print failed:\n${run.stderr}`)
  const line = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {launched: number; loaded: number; printed: number; missing: string[]}
  if (line.missing.length > 0) progress(`warning: the bare print lacked ${line.missing.join(', ')}`)
  return {...run, launched: line.launched, loaded: line.loaded, printed: line.printed}
}

/** Pages of a PDF (poppler's pdfinfo), or undefined without it. */
export function pagesOf(file: string): number | undefined {
  const info = spawnSync('pdfinfo', [file], {encoding: 'utf8'})
  const pages = /^Pages:\s+(\d+)/m.exec(info.stdout ?? '')?.[1]
  return pages ? Number(pages) : undefined
}
