/**
 * Chromium and its profile folder go when Folio goes, even by `kill -9`,
 * which no handler in Folio can see: the real command, killed while its
 * browser runs, in a build and in watch mode.
 */
import assert from 'node:assert/strict'
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {copyFileSync, existsSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {projectRoot, scratchFolder} from './harness.ts'

interface Row {
  pid: number
  ppid: number
  args: string
}

/** Every process below `root`, by walking the process table. */
function descendants(root: number): Row[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], {encoding: 'utf8'})
    .trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)!)
    .map((match) => ({pid: Number(match[1]), ppid: Number(match[2]), args: match[3]!}))
  const found: Row[] = []
  const walk = (pid: number) => {
    for (const row of rows) {
      if (row.ppid !== pid) continue
      found.push(row)
      walk(row.pid)
    }
  }
  walk(root)
  return found
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Wait until Folio's Chromium runs, kill Folio with SIGKILL, and return what Chromium was. */
async function killWhileBrowsing(child: ChildProcess): Promise<{chromium: Row[]; profile: string}> {
  let chromium: Row[] = []
  for (let tries = 0; tries < 600 && !chromium.some((row) => /--user-data-dir=/.test(row.args)); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    // The browser's processes, not Folio's watchdog (a node process that names the profile too).
    chromium = descendants(child.pid!).filter((row) => /chrom/i.test(row.args) && !row.args.startsWith(process.execPath))
  }
  const profile = /--user-data-dir=(\S+)/.exec(chromium.map((row) => row.args).join(' '))?.[1]
  child.kill('SIGKILL')
  await new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined)))
  assert.ok(profile, 'Chromium was started')
  return {chromium, profile}
}

async function gone(chromium: Row[], profile: string): Promise<void> {
  for (let tries = 0; tries < 300 && (chromium.some((row) => alive(row.pid)) || existsSync(profile)); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const left = chromium.filter((row) => alive(row.pid))
  // Whatever the test leaves, it cleans up: these are this test's own processes.
  for (const row of left) process.kill(row.pid, 'SIGKILL')
  assert.deepEqual(left.map((row) => row.args.slice(0, 80)), [], 'no Chromium process outlives Folio')
  assert.equal(existsSync(profile), false, `the profile folder ${profile} is removed`)
}

const folio = path.join(projectRoot, 'build', 'folio.js')

test('kill -9 of a build: Chromium and its profile folder go too', {timeout: 90_000}, async () => {
  const project = scratchFolder('kill-build')
  copyFileSync(path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'), path.join(project, 'brief.md'))
  const child = spawn(process.execPath, [folio, 'build', 'brief.md', '--format', 'pdf', '--out', 'out'], {cwd: project, stdio: 'ignore'})
  const {chromium, profile} = await killWhileBrowsing(child)
  await gone(chromium, profile)
})

test('kill -9 of folio watch: Chromium and its profile folder go too', {timeout: 90_000}, async () => {
  const project = scratchFolder('kill-watch')
  copyFileSync(path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'), path.join(project, 'brief.md'))
  const child = spawn(process.execPath, [folio, 'watch', 'brief.md', '--format', 'pdf', '--out', 'out', '--no-serve'], {cwd: project, stdio: 'ignore'})
  const {chromium, profile} = await killWhileBrowsing(child)
  await gone(chromium, profile)
})
