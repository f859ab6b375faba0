/**
 * Where Chromium is. In order: PUPPETEER_EXECUTABLE_PATH; Chromium's
 * headless shell (Debian's `chromium-headless-shell`: the same Blink, started
 * in a fifth of the time); a Chromium or Chrome installed on the system; the
 * browser Puppeteer downloaded into its cache. Puppeteer's own download is
 * skipped at install (it cannot reach Google from everywhere);
 * scripts/ensure-installed.js installs Debian's packages, or Puppeteer's
 * download, before the first build.
 */
import {accessSync, constants} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {BrowserNotFoundError} from './errors.ts'
import {requireFromProject} from '../project.ts'

/**
 * Puppeteer, loaded when a browser is first needed: its CommonJS build, which
 * Node's CommonJS loader reads in three quarters of the time its ES modules
 * take (about 230 ms against 310 ms on two cores, on every run that prints).
 */
export function loadPuppeteer(): typeof import('puppeteer').default {
  return (requireFromProject('puppeteer') as typeof import('puppeteer')).default
}

/** Puppeteer's own core, as the puppeteer package installed uses it. */
const requireFromPuppeteer = () => createRequire(requireFromProject.resolve('puppeteer'))

/**
 * Puppeteer's `connect` alone, from its core's entry without the parts that
 * find, download and launch browsers: a browser started early
 * (./early-start.ts) needs only a connection. It loads in 110 ms where the
 * whole of Puppeteer takes 200 ms (330 ms while Chromium starts on the other
 * core), on every build that prints. The same modules, so the same classes,
 * as `loadPuppeteer`'s.
 */
export function loadPuppeteerConnect(): typeof import('puppeteer').default.connect {
  return (requireFromPuppeteer()('puppeteer-core/internal/puppeteer-core-browser.js') as {connect: typeof import('puppeteer').default.connect}).connect
}

/** The version of puppeteer-core installed. */
export function puppeteerCoreVersion(): string {
  return (requireFromPuppeteer()('puppeteer-core/package.json') as {version: string}).version
}

const shells = ['chromium-headless-shell', 'chrome-headless-shell']
const commands = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome']
const applications = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium'
]

/** Advice shown when no browser is found. */
export const howToGetOne =
  'On Debian or Ubuntu run `npm run build` as root (it installs Debian\'s chromium-headless-shell) or `apt-get install chromium-headless-shell`; ' +
  'elsewhere run `npx puppeteer browsers install chrome-headless-shell`; ' +
  'or set PUPPETEER_EXECUTABLE_PATH to a Chromium or Chrome.'

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export interface FoundBrowser {
  executablePath: string
  /** Puppeteer's headless mode for it: the headless shell is `shell`. */
  headless: true | 'shell'
}

function onPath(names: string[]): string | undefined {
  for (const name of names) {
    for (const folder of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
      const file = path.join(folder, name)
      if (executable(file)) return file
    }
  }
  return undefined
}

const headlessOf = (file: string): FoundBrowser => ({
  executablePath: file,
  headless: /headless[-_]shell/.test(path.basename(file)) ? 'shell' : true
})

/** The browser named by PUPPETEER_EXECUTABLE_PATH or installed on the system, found without loading Puppeteer. */
export function locateInstalledBrowser(): FoundBrowser | undefined {
  const configured = process.env.PUPPETEER_EXECUTABLE_PATH
  if (configured) return headlessOf(configured)
  const installed = onPath(shells) ?? onPath(commands) ?? applications.find(executable)
  return installed ? headlessOf(installed) : undefined
}

/** The first browser found, or undefined. */
export async function locateBrowser(): Promise<FoundBrowser | undefined> {
  const installed = locateInstalledBrowser()
  if (installed) return installed
  try {
    const puppeteer = loadPuppeteer()
    const cached = [puppeteer.executablePath({headless: 'shell'}), puppeteer.executablePath()].find(executable)
    if (cached) return headlessOf(cached)
  } catch {
    // Puppeteer knows of no cached browser.
  }
  return undefined
}

/** The browser to launch; a clear error when there is none. */
export async function findBrowser(): Promise<FoundBrowser> {
  const found = await locateBrowser()
  if (!found) throw new BrowserNotFoundError(`No Chromium or Chrome was found, and the PDF edition needs one. ${howToGetOne}`)
  if (!executable(found.executablePath)) {
    throw new BrowserNotFoundError(`PUPPETEER_EXECUTABLE_PATH names ${found.executablePath}, which is not an executable file. ${howToGetOne}`)
  }
  return found
}
