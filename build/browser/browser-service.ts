/**
 * One Chromium per process, shared by every job that needs one (the PDF and
 * its table-of-contents passes, the EPUB cover). It starts on first use; a
 * job gets a page of its own (pages are kept for the next job, since opening
 * one costs more than loading one) and the browser is closed at the end of
 * the run, on errors and on Ctrl-C.
 *
 * A job has no limit on its total time (a long book prints for as long as it
 * takes) but a limit on lack of progress: it is stopped when neither Chromium
 * nor Folio has done any work for `stallSeconds` (./stall-watch.ts).
 */
import {mkdtemp, rm, stat} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {Browser, Page} from 'puppeteer'
import {CancelledError} from '../errors.ts'
import {BrowserError, BrowserTimeoutError} from './errors.ts'
import {findBrowser} from './find-browser.ts'
import {withStallLimit, type Progress} from './stall-watch.ts'
import {profilePrefix, removeStaleProfiles, Watchdog} from './watchdog.ts'
import {answer, origin, type Site} from './virtual-origin.ts'

export interface BrowserOptions {
  /** Seconds a job may go without progress (neither Chromium nor Folio working) before it is stopped. */
  stallSeconds?: number
  /** Seconds the browser may take to start. */
  launchTimeout?: number
}

/** Seconds from FOLIO_BROWSER_STALL (or FOLIO_BROWSER_TIMEOUT, its older name), else 60. */
export const defaultStallSeconds = Number(process.env.FOLIO_BROWSER_STALL) || Number(process.env.FOLIO_BROWSER_TIMEOUT) || 60

export interface Job {
  /** What the page may load; `/index.html` is the page itself. */
  site: Site
  /** Let the page run JavaScript (off unless a feature needs it). */
  javaScript?: boolean
  /** What the job is, for messages ("printing the PDF of brief"). */
  description: string
  /** Collects the URLs the page asked for and was refused. */
  refused?: string[]
  /** Stops the job (its page is closed, whatever Chromium is doing) when its result is no longer wanted. */
  signal?: AbortSignal | undefined
}

/** A page kept open between jobs, and the site its requests are answered from. */
interface PooledPage {
  page: Page
  job?: Job | undefined
  progress?: Progress | undefined
}

export class BrowserService {
  #browser: Promise<Browser> | undefined
  /** Pages waiting for a job: opening a page costs more than loading one (about 100 ms). */
  #idle: PooledPage[] = []
  #initialPage: Page | undefined
  #watchdog: Watchdog | undefined
  /** The browser's process, for the stall watch (its children are watched with it). */
  #pid: number | undefined
  readonly stallSeconds: number
  readonly launchTimeout: number

  constructor(options: BrowserOptions = {}) {
    this.stallSeconds = options.stallSeconds ?? defaultStallSeconds
    this.launchTimeout = options.launchTimeout ?? 30
  }

  /**
   * Which browser this service runs (its path and file time), without
   * starting it: what a cache of rendered images is keyed by.
   */
  async identity(): Promise<string> {
    const {executablePath} = await findBrowser()
    const info = await stat(executablePath).catch(() => undefined)
    return `${executablePath}:${info?.mtimeMs ?? 0}`
  }

  /** True once a browser has been asked for. */
  get started(): boolean {
    return this.#browser !== undefined
  }

  /**
   * Open a page on the job's site, run `work` on it, close the page.
   * `work` gets the page after `/index.html` has loaded, and a `progress`
   * function: what the job is doing now, for the message if it stalls, and
   * a sign of progress. Each request the page makes is one too.
   */
  async run<T>(job: Job, work: (page: Page, progress: Progress) => Promise<T>): Promise<T> {
    const {signal} = job
    const stopped = (cause?: unknown) => new CancelledError(`Stopped ${job.description}: a newer build replaces it`, {cause})
    if (signal?.aborted) throw stopped()
    const pooled = this.#idle.pop() ?? (await this.#openPage())
    // Closing the page ends whatever call is in flight (a print is one call that lasts as long as the print).
    const cancel = () => void pooled.page.close().catch(() => undefined)
    signal?.addEventListener('abort', cancel, {once: true})
    let healthy = false
    try {
      if (signal?.aborted) throw stopped()
      const result = await this.#failures(job.description, () =>
        withStallLimit({page: pooled.page, pid: () => this.#pid, seconds: this.stallSeconds, description: job.description}, async (progress) => {
          pooled.job = job
          pooled.progress = progress
          progress('loading the page')
          await pooled.page.setJavaScriptEnabled(job.javaScript === true)
          await pooled.page.goto(`${origin}/index.html`, {waitUntil: 'load', timeout: 0})
          progress('the page loaded')
          return work(pooled.page, progress)
        })
      )
      if (signal?.aborted) throw stopped()
      healthy = true
      return result
    } catch (error) {
      if (signal?.aborted && !(error instanceof CancelledError)) throw stopped(error)
      throw error
    } finally {
      signal?.removeEventListener('abort', cancel)
      pooled.job = undefined
      pooled.progress = undefined
      // A page that failed or stalled is not trusted with another job.
      if (healthy && this.#browser) {
        // An idle page does not hold a long book's DOM.
        await pooled.page.goto('about:blank').catch(() => undefined)
        this.#idle.push(pooled)
      } else await pooled.page.close().catch(() => undefined)
    }
  }

  async #openPage(): Promise<PooledPage> {
    const browser = await this.#launch()
    // The tab a new browser opens with saves opening one (about 100 ms).
    const unused = this.#initialPage
    this.#initialPage = undefined
    const page = unused ?? (await browser.newPage())
    const pooled: PooledPage = {page}
    // No fixed time limit on a step in the page: the stall watch stops a job that does nothing.
    page.setDefaultTimeout(0)
    await page.setRequestInterception(true)
    page.on('request', (request) => {
      const job = pooled.job
      pooled.progress?.()
      if (job) answer(request, job.site, job.refused).catch(() => undefined)
      else request.abort('blockedbyclient').catch(() => undefined)
    })
    return pooled
  }

  /**
   * Start the browser now, without waiting for it: a run that will need it
   * lets Chromium start while the manuscript is read. A failure is reported
   * by the first job.
   */
  warmUp(): void {
    this.#launch().catch(() => undefined)
  }

  /** Close the browser if one was started, and remove its profile folder. Safe to call more than once. */
  async close(): Promise<void> {
    const pending = this.#browser
    this.#browser = undefined
    this.#idle = []
    this.#initialPage = undefined
    this.#pid = undefined
    if (!pending) return
    const browser = await pending.catch(() => undefined)
    await browser?.close().catch(() => undefined)
    const watchdog = this.#watchdog
    this.#watchdog = undefined
    if (watchdog) {
      await rm(watchdog.profile, {recursive: true, force: true, maxRetries: 5}).catch(() => undefined)
      watchdog.release()
    }
  }

  #launch(): Promise<Browser> {
    this.#browser ??= this.#start()
    return this.#browser
  }

  async #start(): Promise<Browser> {
    const {executablePath, headless} = await findBrowser()
    const {default: puppeteer} = await import('puppeteer')
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
    // Our own profile folder, watched over (./watchdog.ts): nothing is left behind when Folio is killed.
    await removeStaleProfiles()
    const profile = await mkdtemp(path.join(os.tmpdir(), `${profilePrefix}${process.pid}-`))
    const watchdog = new Watchdog(profile)
    this.#watchdog = watchdog
    try {
      const browser = await puppeteer.launch({
        executablePath,
        headless,
        userDataDir: profile,
        // Over a pipe, not a socket: Chromium exits by itself when the pipe closes (Folio died).
        pipe: true,
        // The commands close the browser themselves on Ctrl-C (cli/main.ts); on exit, Puppeteer kills it.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: this.launchTimeout * 1000,
        // A print is one protocol call that lasts as long as the print: no limit (the stall watch is the limit).
        protocolTimeout: 0,
        args: [
          ...(isRoot ? ['--no-sandbox'] : []),
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-quic',
          '--no-first-run',
          '--no-default-browser-check',
          // The same glyph positions on every machine.
          '--font-render-hinting=none'
        ]
      })
      this.#pid = browser.process()?.pid
      watchdog.guard(this.#pid)
      this.#initialPage = (await browser.pages())[0]
      return browser
    } catch (error) {
      this.#browser = undefined
      this.#watchdog = undefined
      await rm(profile, {recursive: true, force: true}).catch(() => undefined)
      watchdog.release()
      const message = (error as Error).message.split('\n')[0]
      if ((error as Error).name === 'TimeoutError') {
        throw new BrowserTimeoutError(`Chromium (${executablePath}) did not start within ${this.launchTimeout} s`, {cause: error})
      }
      throw new BrowserError(`Chromium (${executablePath}) could not be started: ${message}`, {cause: error})
    }
  }

  async #failures<T>(description: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (error instanceof BrowserError) throw error
      throw new BrowserError(`Chromium failed ${description}: ${(error as Error).message.split('\n')[0]}`, {cause: error})
    }
  }
}
