/**
 * A limit on lack of progress instead of a limit on time: a book of any
 * length may print for as long as it takes, as long as Chromium is working
 * on it. While page.pdf() runs nothing comes back from Chromium (a streamed
 * Page.printToPDF hands over its first byte only once the whole PDF is
 * made), so progress is read where it shows: the CPU time of Chromium's
 * processes (/proc), which grows steadily all through a print, Folio's own
 * CPU time (it works for the job between calls: line breaking, reading a
 * print back), and any sign the caller gives (a request answered, a print
 * done). A stall is a window of `seconds` with none of these. Where /proc
 * cannot be read (not Linux), Chromium's work cannot be seen, and the window
 * is `fallbackSeconds`.
 *
 * Node's own event loop can be blocked (another edition building on the
 * same thread); a window in which the check itself ran late is not judged.
 */
import type {Page} from 'puppeteer'
import {BrowserTimeoutError} from './errors.ts'
import {sampleProcessTree} from './process-tree.ts'

export interface StallWatchOptions {
  /** The browser's process id (its children are watched with it). */
  pid: () => number | undefined
  /** Seconds without progress that make a stall. */
  seconds: number
  /** Without /proc: seconds without a sign from the caller. */
  fallbackSeconds?: number
  /** CPU milliseconds per second below which Chromium is taken to be idle (timers, IPC). */
  idleCpuPerSecond?: number
  /** Called once, on a stall, with how long nothing happened. */
  onStall: (idleSeconds: number) => void
}

export interface StallWatch {
  /** A sign of progress from the caller. */
  progress(): void
  stop(): void
}

export function watchForStall(options: StallWatchOptions): StallWatch {
  const idleCpu = options.idleCpuPerSecond ?? 20
  const interval = 1000
  let lastProgress = performance.now()
  let lastCheck = performance.now()
  let lastCpu: number | undefined
  let lastOwnCpu = ownCpu()
  let readable = true
  let stopped = false
  const check = () => {
    const now = performance.now()
    // Folio's own work since the last check, not counting the check itself (reading /proc).
    const own = ownCpu()
    if (own - lastOwnCpu > (idleCpu * (now - lastCheck)) / 1000) lastProgress = now
    const late = now - lastCheck > 3 * interval
    const pid = options.pid()
    const sample = pid === undefined || !readable ? undefined : sampleProcessTree(pid)
    if (pid !== undefined && !sample) readable = false
    if (sample) {
      // Progress: more CPU than an idle browser spends in the time since the last check.
      if (lastCpu !== undefined && sample.cpuMilliseconds - lastCpu > (idleCpu * (now - lastCheck)) / 1000) lastProgress = now
      lastCpu = sample.cpuMilliseconds
    }
    // A check that ran late says nothing about Chromium: Node was busy.
    if (late) lastProgress = Math.max(lastProgress, now - interval)
    lastCheck = now
    lastOwnCpu = ownCpu()
    const limit = (readable ? options.seconds : (options.fallbackSeconds ?? options.seconds)) * 1000
    if (!stopped && now - lastProgress > limit) {
      stopped = true
      clearInterval(timer)
      options.onStall(Math.round((now - lastProgress) / 1000))
    }
  }
  const timer = setInterval(check, interval)
  timer.unref()
  return {
    progress() {
      lastProgress = performance.now()
    },
    stop() {
      stopped = true
      clearInterval(timer)
    }
  }
}

/** User and system CPU milliseconds of this process so far. */
function ownCpu(): number {
  const {user, system} = process.cpuUsage()
  return (user + system) / 1000
}

/** Chromium made no progress for the stall limit. */
export class BrowserStallError extends BrowserTimeoutError {
  override name = 'BrowserStallError'
}

export interface StallLimitOptions {
  page: Page
  pid: () => number | undefined
  /** Seconds without progress that stop the job. */
  seconds: number
  /** What the job is ("printing the PDF of brief"). */
  description: string
}

/** What a job tells the watch: a sign of progress, and what it is doing now (for the message if it stalls). */
export interface Progress {
  (stage?: string): void
}

/**
 * Run `work` on a page, and stop it (by closing the page) when Chromium
 * makes no progress for `seconds`: the error says what it was doing and
 * for how long nothing happened.
 */
export async function withStallLimit<T>(options: StallLimitOptions, work: (progress: Progress) => Promise<T>): Promise<T> {
  let stage = 'starting'
  let stalled: number | undefined
  const watch = watchForStall({
    pid: options.pid,
    seconds: options.seconds,
    onStall: (idle) => {
      stalled = idle
      options.page.close().catch(() => undefined)
    }
  })
  const progress: Progress = (next) => {
    if (next) stage = next
    watch.progress()
  }
  try {
    return await work(progress)
  } catch (error) {
    if (stalled !== undefined) {
      throw new BrowserStallError(
        `Chromium did nothing for ${stalled} s ${options.description} (${stage}); set FOLIO_BROWSER_STALL (seconds) to wait longer`,
        {cause: error}
      )
    }
    throw error
  } finally {
    watch.stop()
  }
}
