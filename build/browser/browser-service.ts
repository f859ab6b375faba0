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
import type {Readable, Writable} from 'node:stream'
import type {Browser, ConnectionTransport, Page} from 'puppeteer'
import {CancelledError} from '../errors.ts'
import {BrowserError, BrowserTimeoutError} from './errors.ts'
import {argumentsOfPuppeteer, chromiumArguments, folioChromiumArguments} from './chromium-arguments.ts'
import {holdEarlyChromium, takeEarlyChromium, type EarlyChromium} from './early-start.ts'
import {findBrowser, loadPuppeteer, loadPuppeteerConnect, puppeteerCoreVersion} from './find-browser.ts'
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
  /**
   * Close the page afterwards instead of keeping it for the next job: a
   * renderer gives its memory back only when it ends (a part of a long
   * work leaves it holding most of a gigabyte, emptied or not).
   */
  closeAfter?: boolean
  /** Told once the page has been asked to load (the browser is connected and the page open): what waited for that may go on. */
  onLoading?: () => void
}

/** A page kept open between jobs, and the site its requests are answered from. */
interface PooledPage {
  page: Page
  job?: Job | undefined
  progress?: Progress | undefined
  /** Settles once the page no longer holds its last job's document: the next job waits for it. */
  emptied?: Promise<void>
}

export class BrowserService {
  #browser: Promise<Browser> | undefined
  /** Pages waiting for a job: opening a page costs more than loading one (about 100 ms). */
  #idle: PooledPage[] = []
  #initialPage: Page | undefined
  #watchdog: Watchdog | undefined
  /** The browser's process, for the stall watch (its children are watched with it). */
  #pid: number | undefined
  /** The browser's process when it was started early (./early-start.ts), not by Puppeteer: closing waits for it to end. */
  #early: EarlyChromium | undefined
  /** A page `warmUp` opens for the first job. */
  #prepared: Promise<PooledPage | undefined> | undefined
  /** Told when Chromium's process has been started (warmUp waits for it). */
  #spawned: (() => void) | undefined
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
    const pooled = this.#idlePage() ?? (await this.#takePrepared()) ?? (await this.#openPage())
    await pooled.emptied
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
          const loading = pooled.page.goto(`${origin}/index.html`, {waitUntil: 'load', timeout: 0})
          job.onLoading?.()
          await loading
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
      // A page that failed or stalled is not trusted with another job (the stall watch may have closed it as the job ended).
      if (healthy && this.#browser && !job.closeAfter && !pooled.page.isClosed()) {
        // An idle page does not hold a long book's DOM. The job's result goes on meanwhile: emptying the
        // page of the 50x work took 30–50 ms, which the build waited for. Not by loading about:blank:
        // a page closed while that loads never finishes closing (Puppeteer 24, Chromium 156).
        pooled.emptied = pooled.page.evaluate('document.documentElement?.remove()').then(
          () => undefined,
          () => undefined
        )
        this.#idle.push(pooled)
      } else await pooled.page.close().catch(() => undefined)
    }
  }

  /** The page `warmUp` opened, when it is open; once. */
  async #takePrepared(): Promise<PooledPage | undefined> {
    const prepared = this.#prepared
    this.#prepared = undefined
    const pooled = await prepared
    return pooled && !pooled.page.isClosed() ? pooled : undefined
  }

  /** A kept page that is still open (a renderer that crashed closes its page). */
  #idlePage(): PooledPage | undefined {
    for (let pooled = this.#idle.pop(); pooled; pooled = this.#idle.pop()) if (!pooled.page.isClosed()) return pooled
    return undefined
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
   * Start the browser now, without waiting for it to be ready: a run that
   * will need it lets Chromium start while the manuscript is read. A failure
   * is reported by the first job.
   *
   * @returns Settles once Chromium's process is started (or could not be):
   *   the caller waits for that, a few milliseconds, and reads the work
   *   after it. Otherwise reading, which keeps the one Node thread busy,
   *   would hold up the launch by a second on a long work.
   */
  warmUp(): Promise<void> {
    const spawned = new Promise<void>((resolve) => (this.#spawned = resolve))
    const launching = this.#launch()
    launching.catch(() => undefined).finally(() => this.#spawned?.())
    // The first job's page is made ready (its requests intercepted) while Node reads the work and Chromium
    // waits: asked for by the job, it held up the print page's load by 10–130 ms.
    this.#prepared ??= launching.then(() => this.#openPage()).catch(() => undefined)
    return spawned
  }

  /**
   * Close the browser if one was started, and remove its profile folder.
   * Safe to call more than once.
   *
   * @param options.leave For a process that ends now (a `folio build`): a
   *   browser started early is asked to close and left to end by itself, and
   *   its watchdog (./watchdog.ts) waits for it and removes its profile
   *   folder, so that Folio's exit does not wait for Chromium's (about 120
   *   ms). Any other is closed and waited for.
   */
  async close(options: {leave?: boolean} = {}): Promise<void> {
    const pending = this.#browser
    this.#browser = undefined
    this.#idle = []
    this.#initialPage = undefined
    this.#prepared = undefined
    this.#pid = undefined
    if (!pending) return
    const browser = await pending.catch(() => undefined)
    const [early, watchdog] = [this.#early, this.#watchdog]
    this.#early = undefined
    this.#watchdog = undefined
    if (options.leave && early && watchdog) {
      // Browser.close is written to the pipe now; nothing waits for its answer, nor for the process.
      browser?.close().catch(() => undefined)
      holdEarlyChromium(early.process, false)
      watchdog.leave()
      return
    }
    await browser?.close().catch(() => undefined)
    if (early) await ended(early)
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
    const early = takeEarlyChromium()
    if (early) {
      // The list written out is Puppeteer's when its version is the one it was written for; else Puppeteer is asked.
      const expected =
        puppeteerCoreVersion() === argumentsOfPuppeteer
          ? chromiumArguments(headless, early.profile)
          : [...loadPuppeteer().defaultArgs({headless, args: folioChromiumArguments(), userDataDir: early.profile}), '--remote-debugging-pipe']
      // Started as Puppeteer would start it now, and still running: connected to; otherwise ended, and launched anew.
      if (early.executablePath === executablePath && early.headless === headless && sameList(early.args, expected) && early.process.exitCode === null) {
        this.#spawned?.()
        const browser = await this.#connect(early, executablePath).catch(() => undefined)
        if (browser) return browser
      }
      await ended(early, true)
      early.watchdog.release()
    }
    // Our own profile folder, watched over (./watchdog.ts): nothing is left behind when Folio is killed.
    const profile = await mkdtemp(path.join(os.tmpdir(), `${profilePrefix}${process.pid}-`))
    const watchdog = new Watchdog(profile)
    this.#watchdog = watchdog
    try {
      const launching = loadPuppeteer().launch({
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
        args: folioChromiumArguments()
      })
      // Puppeteer starts the process once it has worked out the arguments, in the same turn of the loop.
      setImmediate(() => this.#spawned?.())
      // Profiles left by a Folio that was killed, removed while Chromium starts.
      const [browser] = await Promise.all([launching, removeStaleProfiles()])
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

  /** Connect to the browser started early, over its DevTools pipe, within the launch's time limit. */
  async #connect(early: EarlyChromium, executablePath: string): Promise<Browser> {
    const connect = loadPuppeteerConnect()
    const [write, read] = [early.process.stdio[3] as Writable, early.process.stdio[4] as Readable]
    let timer: NodeJS.Timeout | undefined
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BrowserTimeoutError(`Chromium (${executablePath}) did not start within ${this.launchTimeout} s`)), this.launchTimeout * 1000)
    })
    try {
      const browser = await Promise.race([connect({transport: pipeTransport(write, read), protocolTimeout: 0}), limit])
      this.#early = early
      this.#watchdog = early.watchdog
      this.#pid = early.process.pid
      this.#initialPage = (await browser.pages())[0]
      return browser
    } finally {
      clearTimeout(timer)
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

/**
 * Puppeteer's DevTools transport over a pipe: messages as JSON, each ended
 * by a NUL byte, Folio writing on the browser's descriptor 3 and reading
 * its 4 (what `--remote-debugging-pipe` means).
 */
function pipeTransport(write: Writable, read: Readable): ConnectionTransport {
  const pending: Buffer[] = []
  const transport: ConnectionTransport = {
    send: (message) => {
      write.write(message)
      write.write('\0')
    },
    close: () => {
      write.end()
      read.destroy()
    }
  }
  read.on('data', (chunk: Buffer) => {
    let start = 0
    for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, start)) {
      pending.push(chunk.subarray(start, end))
      const message = Buffer.concat(pending).toString('utf8')
      pending.length = 0
      start = end + 1
      transport.onmessage?.(message)
    }
    if (start < chunk.length) pending.push(chunk.subarray(start))
  })
  read.on('close', () => transport.onclose?.())
  read.on('error', () => undefined)
  write.on('error', () => undefined)
  return transport
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index])
}

/** Wait for a browser started early to end once it was told to close (or, with `kill`, end it): its process group goes, up to 5 s later at the most. */
async function ended(early: EarlyChromium, kill = false): Promise<void> {
  const child = early.process
  if (child.exitCode !== null || child.signalCode !== null) return
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  if (kill) killGroup()
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      killGroup()
      resolve()
    }, 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
