/**
 * One Chromium per process, shared by every job that needs one (the PDF and
 * its table-of-contents passes, the EPUB cover). It starts on first use, each
 * job gets its own page, and it is closed at the end of the run, on errors
 * and on Ctrl-C (Puppeteer's signal handlers). Every step has a time limit.
 */
import type {Browser, Page} from 'puppeteer'
import {BrowserError, BrowserTimeoutError} from './errors.ts'
import {findBrowser} from './find-browser.ts'
import {answer, origin, type Site} from './virtual-origin.ts'

export interface BrowserOptions {
  /** Seconds a job (loading and printing a page) may take. */
  jobTimeout?: number
  /** Seconds the browser may take to start. */
  launchTimeout?: number
}

/** Seconds from FOLIO_BROWSER_TIMEOUT, for very long books on slow machines. */
const defaultJobTimeout = Number(process.env.FOLIO_BROWSER_TIMEOUT) || 120

export interface Job {
  /** What the page may load; `/index.html` is the page itself. */
  site: Site
  /** Let the page run JavaScript (off unless a feature needs it). */
  javaScript?: boolean
  /** What the job is, for messages ("printing the PDF of brief"). */
  description: string
  /** Collects the URLs the page asked for and was refused. */
  refused?: string[]
}

export class BrowserService {
  #browser: Promise<Browser> | undefined
  readonly jobTimeout: number
  readonly launchTimeout: number

  constructor(options: BrowserOptions = {}) {
    this.jobTimeout = options.jobTimeout ?? defaultJobTimeout
    this.launchTimeout = options.launchTimeout ?? 30
  }

  /** True once a browser has been asked for. */
  get started(): boolean {
    return this.#browser !== undefined
  }

  /**
   * Open a page on the job's site, run `work` on it, close the page.
   * `work` gets the page after `/index.html` has loaded.
   */
  async run<T>(job: Job, work: (page: Page) => Promise<T>): Promise<T> {
    const browser = await this.#launch()
    const page = await browser.newPage()
    try {
      page.setDefaultTimeout(this.jobTimeout * 1000)
      await page.setJavaScriptEnabled(job.javaScript === true)
      await page.setRequestInterception(true)
      page.on('request', (request) => {
        answer(request, job.site, job.refused).catch(() => undefined)
      })
      return await this.#timed(job.description, async () => {
        await page.goto(`${origin}/index.html`, {waitUntil: 'load', timeout: this.jobTimeout * 1000})
        return work(page)
      })
    } finally {
      await page.close().catch(() => undefined)
    }
  }

  /** Close the browser if one was started. Safe to call more than once. */
  async close(): Promise<void> {
    const pending = this.#browser
    this.#browser = undefined
    if (!pending) return
    const browser = await pending.catch(() => undefined)
    await browser?.close().catch(() => undefined)
  }

  #launch(): Promise<Browser> {
    this.#browser ??= this.#start()
    return this.#browser
  }

  async #start(): Promise<Browser> {
    const executablePath = await findBrowser()
    const {default: puppeteer} = await import('puppeteer')
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
    try {
      return await puppeteer.launch({
        executablePath,
        headless: true,
        timeout: this.launchTimeout * 1000,
        protocolTimeout: this.jobTimeout * 1000,
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
    } catch (error) {
      this.#browser = undefined
      const message = (error as Error).message.split('\n')[0]
      if ((error as Error).name === 'TimeoutError') {
        throw new BrowserTimeoutError(`Chromium (${executablePath}) did not start within ${this.launchTimeout} s`, {cause: error})
      }
      throw new BrowserError(`Chromium (${executablePath}) could not be started: ${message}`, {cause: error})
    }
  }

  async #timed<T>(description: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if ((error as Error).name === 'TimeoutError' || /timed out/i.test((error as Error).message)) {
        throw new BrowserTimeoutError(
          `Chromium took longer than ${this.jobTimeout} s ${description}; set FOLIO_BROWSER_TIMEOUT (seconds) to allow more`,
          {cause: error}
        )
      }
      if (error instanceof BrowserError) throw error
      throw new BrowserError(`Chromium failed ${description}: ${(error as Error).message.split('\n')[0]}`, {cause: error})
    }
  }
}
