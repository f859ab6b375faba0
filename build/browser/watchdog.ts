/**
 * Chromium and its profile folder go when Folio goes, however it ends: a
 * normal exit, Ctrl-C, or `kill -9`, which no handler in Folio can see. A
 * small detached process watches a pipe from Folio; when the pipe closes
 * without Folio saying it is done (Folio died), it kills Chromium's process
 * group and removes the profile folder. (Chromium also exits by itself when
 * its own DevTools pipe closes, since Puppeteer talks to it over a pipe.)
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {readdir, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

/** Profile folders are `folio-chromium-<pid of Folio>-<random>` in the system's temporary folder. */
export const profilePrefix = 'folio-chromium-'

/**
 * Runs in the watchdog process: argv is [profile]; standard input says
 * `pid <n>` once the browser runs, then `done` (Folio closed it), `leave`
 * (Folio asked it to close and is exiting without waiting), or just closes
 * (Folio died). Then every process started with this profile folder (found
 * in /proc, so also one whose pid Folio had no time to send) and the
 * browser's process group are killed, after up to 10 s for a browser left
 * to close by itself, and the folder removed, trying again while Chromium
 * still dies.
 */
const script = `
const fs = require('node:fs')
const profile = process.argv[1]
let chromium = 0
let done = false
let leave = false
let input = ''
const users = () => {
  const found = []
  let entries = []
  try { entries = fs.readdirSync('/proc') } catch {}
  for (const entry of entries) {
    if (!/^\\d+$/.test(entry)) continue
    try {
      if (fs.readFileSync('/proc/' + entry + '/cmdline', 'utf8').includes('--user-data-dir=' + profile)) found.push(Number(entry))
    } catch {}
  }
  return found
}
const kill = () => {
  for (const pid of [chromium, ...users()]) {
    if (!(pid > 0)) continue
    try { process.kill(-pid, 'SIGKILL') } catch {}
    try { process.kill(pid, 'SIGKILL') } catch {}
  }
}
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk) => {
  input += chunk
  const pid = /pid (\\d+)/.exec(input)
  if (pid) chromium = Number(pid[1])
  if (/done/.test(input)) done = true
  if (/leave/.test(input)) leave = true
})
process.stdin.on('close', () => {
  let tries = 0
  const left = Date.now()
  const finish = () => {
    if (leave && users().length > 0 && Date.now() - left < 10000) return void setTimeout(finish, 25)
    if (!done) kill()
    try { fs.rmSync(profile, {recursive: true, force: true}) } catch {}
    if ((fs.existsSync(profile) || (!done && users().length > 0)) && ++tries < 100) setTimeout(finish, 100)
  }
  finish()
})
process.stdin.resume()
`

export class Watchdog {
  #process: ChildProcess

  /** Start watching over `profile` (the folder Chromium will use). */
  constructor(readonly profile: string) {
    this.#process = spawn(process.execPath, ['-e', script, profile], {detached: true, stdio: ['pipe', 'ignore', 'ignore']})
    // Neither the process nor the pipe keeps Folio running.
    this.#process.unref()
    ;(this.#process.stdin as unknown as {unref?: () => void}).unref?.()
    this.#process.on('error', () => undefined)
    this.#process.stdin?.on('error', () => undefined)
  }

  /** The browser has started: its process (and process group) is `pid`. */
  guard(pid: number | undefined): void {
    if (pid) this.#process.stdin?.write(`pid ${pid}\n`)
  }

  /** Folio closed the browser itself: the watchdog removes the profile and ends, killing nothing. */
  release(): void {
    this.#process.stdin?.end('done\n')
  }

  /** Folio asked the browser to close and exits without waiting: the watchdog waits for it to end (killing it after 10 s), then removes the profile. */
  leave(): void {
    this.#process.stdin?.end('leave\n')
  }
}

/** Remove profile folders of Folio runs that died before their watchdog could (it was killed too). */
export async function removeStaleProfiles(): Promise<void> {
  const names = await readdir(os.tmpdir()).catch(() => [] as string[])
  for (const name of names) {
    const pid = Number(/^folio-chromium-(\d+)-/.exec(name)?.[1])
    if (!pid || pid === process.pid || running(pid)) continue
    await rm(path.join(os.tmpdir(), name), {recursive: true, force: true}).catch(() => undefined)
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
