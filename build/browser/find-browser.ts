/**
 * Where Chromium is. In order: PUPPETEER_EXECUTABLE_PATH; a Chromium or
 * Chrome installed on the system (Debian's `chromium` package); the browser
 * Puppeteer downloaded into its cache. Puppeteer's own download is skipped
 * at install (it cannot reach Google from everywhere); scripts/ensure-installed.js
 * installs Debian's Chromium, or Puppeteer's, before the first build.
 */
import {accessSync, constants} from 'node:fs'
import path from 'node:path'
import {BrowserNotFoundError} from './errors.ts'

const commands = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome']
const applications = [
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium'
]

/** Advice shown when no browser is found. */
export const howToGetOne =
  'On Debian or Ubuntu run `npm run build` as root (it installs Debian\'s chromium) or `apt-get install chromium`; ' +
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

/** The first browser found, or undefined. */
export async function locateBrowser(): Promise<string | undefined> {
  const configured = process.env.PUPPETEER_EXECUTABLE_PATH
  if (configured) return configured
  for (const folder of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const command of commands) {
      const file = path.join(folder, command)
      if (executable(file)) return file
    }
  }
  for (const file of applications) if (executable(file)) return file
  try {
    const {default: puppeteer} = await import('puppeteer')
    const cached = puppeteer.executablePath()
    if (executable(cached)) return cached
  } catch {
    // Puppeteer knows of no cached browser.
  }
  return undefined
}

/** The browser to launch; a clear error when there is none. */
export async function findBrowser(): Promise<string> {
  const found = await locateBrowser()
  if (!found) throw new BrowserNotFoundError(`No Chromium or Chrome was found, and the PDF edition needs one. ${howToGetOne}`)
  if (!executable(found)) {
    throw new BrowserNotFoundError(`PUPPETEER_EXECUTABLE_PATH names ${found}, which is not an executable file. ${howToGetOne}`)
  }
  return found
}
