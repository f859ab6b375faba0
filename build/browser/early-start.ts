/**
 * Chromium started at the very beginning of a run, before Folio's own code
 * and Puppeteer have loaded (a third of a second on this machine's cores),
 * so that the browser starts on one core while Node loads, reads and
 * transforms on the other. A bare Puppeteer script has its browser starting
 * after the import of Puppeteer alone; Folio would otherwise start it after
 * its bundle too.
 *
 * It is started as Puppeteer starts it (its default arguments, Folio's, a
 * DevTools pipe on file descriptors 3 and 4, its own process group, a
 * profile folder watched over by ./watchdog.ts), and the browser service
 * connects to it through that pipe (`takeEarlyChromium`). When the service
 * finds that Puppeteer would start another browser or with other
 * arguments (a newer Puppeteer), it ends this one and launches its own.
 *
 * build/folio.js loads this module before the bundle: it imports only
 * Node's modules and modules that import only Node's.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {chromiumArguments} from './chromium-arguments.ts'
import {locateInstalledBrowser, type FoundBrowser} from './find-browser.ts'
import {profilePrefix, Watchdog} from './watchdog.ts'

export interface EarlyChromium extends FoundBrowser {
  /** The whole command line after the executable. */
  args: string[]
  process: ChildProcess
  profile: string
  watchdog: Watchdog
}

/** Kept on the global object: the bundle and this module may be loaded as two copies. */
const key = Symbol.for('folio.earlyChromium')
const scope = globalThis as {[key]?: EarlyChromium}

/**
 * Start Chromium now, when one is installed where Folio looks first (no
 * Puppeteer download); otherwise nothing, and the browser service launches
 * one when it needs it. Never throws: a browser that cannot start is
 * reported by the service's own launch.
 */
export function startChromiumEarly(): void {
  if (scope[key]) return
  try {
    const found = locateInstalledBrowser()
    if (!found) return
    const profile = mkdtempSync(path.join(os.tmpdir(), `${profilePrefix}${process.pid}-`))
    const watchdog = new Watchdog(profile)
    const args = chromiumArguments(found.headless, profile)
    // Detached: a process group of its own, as Puppeteer starts it (Debian's headless shell is a script whose child is the browser).
    const child = spawn(found.executablePath, args, {stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'], detached: true})
    child.on('error', () => undefined)
    watchdog.guard(child.pid)
    for (const stream of [child.stdio[3], child.stdio[4]]) stream?.on('error', () => undefined)
    // Not a reason for Node to stay alive: a run that never takes it exits, its pipe closes, and Chromium ends.
    holdEarlyChromium(child, false)
    scope[key] = {...found, args, process: child, profile, watchdog}
  } catch {
    // The service launches the browser itself.
  }
}

/** The browser started early, for the browser service to take (once); undefined when none was. */
export function takeEarlyChromium(): EarlyChromium | undefined {
  const early = scope[key]
  delete scope[key]
  if (!early) return undefined
  // In use now: Node waits for it (its pipe and its exit).
  holdEarlyChromium(early.process, true)
  return early
}

/** Whether Node waits for the browser started early: its exit, and its DevTools pipe. */
export function holdEarlyChromium(child: ChildProcess, held: boolean): void {
  if (held) child.ref()
  else child.unref()
  for (const stream of [child.stdio[3], child.stdio[4]]) {
    const handle = stream as unknown as {ref?: () => void; unref?: () => void} | null
    if (held) handle?.ref?.()
    else handle?.unref?.()
  }
}
