/**
 * The outside checkers, used when they are installed: EPUBCheck and the Nu
 * HTML Checker (both on Java), Ace by DAISY (on Node and Chromium). One
 * policy for all three: a checker that is missing is a skipped check that
 * says how to add it; one that runs gives a result with its messages; one
 * that crashes or writes no report is a failed check with one line saying
 * what went wrong, never a stack.
 */
import {execFile, spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {requireFromProject} from '../project.ts'
import {failed, passed, skipped, type CheckResult} from './results.ts'

const run = promisify(execFile)
const big = {maxBuffer: 256 * 1024 * 1024}

/**
 * The JVM options for a checker's one short run: the C1 compiler only, the
 * serial collector, and deep thread stacks (the Nu checker's schema needs
 * more stack with C1's frames than the default gives). The optimizing
 * compiler's threads cost more than they save in a run of seconds: measured
 * on two cores, EPUBCheck on the brief takes about half the processor time
 * (10 s to 5 s) and the Nu checker about half too (6.7 s to 3.2 s), with the
 * same reports.
 */
export const quickJava = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss16m']

const hasJava = (() => {
  let known: boolean | undefined
  return () => (known ??= spawnSync('java', ['-version'], {stdio: 'ignore'}).status === 0)
})()

/** Debian's epubcheck package, or the jar EPUBCHECK_JAR names. */
export function epubcheckJar(): string | undefined {
  const jar = process.env.EPUBCHECK_JAR ?? '/usr/share/java/epubcheck.jar'
  return existsSync(jar) ? jar : undefined
}

function vnuJar(): string | undefined {
  try {
    return String(requireFromProject('vnu-jar'))
  } catch {
    return undefined
  }
}

function aceCommand(): string | undefined {
  const local = path.join(path.dirname(requireFromProject.resolve('./package.json')), 'node_modules', '.bin', 'ace-cli')
  if (existsSync(local)) return local
  return spawnSync('sh', ['-c', 'command -v ace'], {encoding: 'utf8'}).stdout.trim() || undefined
}

/**
 * Run one checker under the common policy: its own failure (a crash, no
 * report) becomes a failed check that says so in one line.
 */
async function checked(edition: string, check: string, work: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await work()
  } catch (error) {
    const failure = error as Error & {stderr?: string}
    const reason = (failure.stderr?.trim() || failure.message).split('\n').find((line) => line.trim() !== '') ?? 'no reason given'
    return failed(edition, check, [`${check} could not run: ${reason.trim().slice(0, 300)}`], 'did not run')
  }
}

/** A command's output, whatever its exit code: checkers exit non-zero when they find problems. */
async function output(command: string, args: string[], options: Parameters<typeof run>[2] = {}): Promise<{stdout: string; stderr: string}> {
  try {
    const {stdout, stderr} = await run(command, args, {...big, ...options, encoding: 'utf8'})
    return {stdout: String(stdout), stderr: String(stderr)}
  } catch (error) {
    const failure = error as {stdout?: string; stderr?: string; code?: unknown}
    if (typeof failure.code !== 'number') throw error
    return {stdout: String(failure.stdout ?? ''), stderr: String(failure.stderr ?? '')}
  }
}

/** Read a checker's JSON report; a missing or broken one is the checker's failure, told by what it printed. */
async function report<T>(read: () => Promise<string>, printed: {stdout: string; stderr: string}): Promise<T> {
  let text: string
  try {
    text = await read()
  } catch {
    throw Object.assign(new Error('it wrote no report'), {stderr: printed.stderr || printed.stdout})
  }
  try {
    return JSON.parse(text) as T
  } catch {
    throw Object.assign(new Error('its report is not JSON'), {stderr: printed.stderr || printed.stdout})
  }
}

export async function runEpubcheck(file: string): Promise<CheckResult> {
  const jar = epubcheckJar()
  if (!jar || !hasJava()) return skipped('epub', 'EPUBCheck', 'not installed (apt-get install epubcheck, or set EPUBCHECK_JAR; it needs Java)')
  return checked('epub', 'EPUBCheck', () => epubcheck(jar, file))
}

async function epubcheck(jar: string, file: string): Promise<CheckResult> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'folio-epubcheck-'))
  try {
    const reportFile = path.join(folder, 'report.json')
    const printed = await output('java', [...quickJava, '-jar', jar, file, '--json', reportFile])
    type Report = {messages: Array<{ID: string; severity: string; message: string; locations?: Array<{path: string; line: number}>}>}
    const {messages} = await report<Report>(() => readFile(reportFile, 'utf8'), printed)
    const serious = messages.filter((message) => ['FATAL', 'ERROR', 'WARNING'].includes(message.severity))
    const count = (severity: string[]) => serious.filter((message) => severity.includes(message.severity)).length
    const summary = `${count(['FATAL', 'ERROR'])} errors, ${count(['WARNING'])} warnings`
    if (serious.length === 0) return passed('epub', 'EPUBCheck', summary)
    return failed('epub', 'EPUBCheck', serious.map((message) => `${message.severity} ${message.ID} ${message.locations?.[0]?.path ?? ''}: ${message.message}`), summary)
  } finally {
    await rm(folder, {recursive: true, force: true})
  }
}

export async function runNu(file: string): Promise<CheckResult> {
  const jar = vnuJar()
  if (!jar || !hasJava()) return skipped('html', 'Nu HTML Checker', 'not installed (npm install vnu-jar; it needs Java)')
  return checked('html', 'Nu HTML Checker', () => nu(jar, file))
}

async function nu(jar: string, file: string): Promise<CheckResult> {
  const printed = await output('java', [...quickJava, '-jar', jar, '--format', 'json', '--exit-zero-always', file])
  // The Nu checker writes its JSON report to standard error.
  type Report = {messages: Array<{type: string; subType?: string; message: string; lastLine?: number}>}
  const {messages} = await report<Report>(async () => printed.stderr || printed.stdout, printed)
  const errors = messages.filter((message) => message.type === 'error' || message.subType === 'fatal')
  if (errors.length === 0) return passed('html', 'Nu HTML Checker', '0 errors')
  return failed('html', 'Nu HTML Checker', errors.map((error) => `line ${error.lastLine ?? '?'}: ${error.message}`), `${errors.length} errors`)
}

/** Ace by DAISY, with a full Chromium (PUPPETEER_EXECUTABLE_PATH, else chromium on the PATH). */
export async function runAce(file: string): Promise<CheckResult> {
  const command = aceCommand()
  if (!command) return skipped('epub', 'Ace by DAISY', 'not installed (npm install -g @daisy/ace-cli)')
  const chromium = process.env.PUPPETEER_EXECUTABLE_PATH ?? (spawnSync('sh', ['-c', 'command -v chromium || command -v google-chrome'], {encoding: 'utf8'}).stdout.trim().split('\n')[0] || undefined)
  if (!chromium) return skipped('epub', 'Ace by DAISY', 'no Chromium for it (apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH)')
  return checked('epub', 'Ace by DAISY', () => ace(command, chromium, file))
}

async function ace(command: string, chromium: string, file: string): Promise<CheckResult> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'folio-ace-'))
  try {
    const printed = await output(command, ['--silent', '--force', '--outdir', folder, file], {env: {...process.env, PUPPETEER_EXECUTABLE_PATH: chromium}})
    type Report = {
      'earl:result': {'earl:outcome': string}
      assertions?: Array<{'earl:testSubject'?: {url?: string}; assertions?: Array<{'earl:test': {'dct:title': string; 'earl:impact'?: string}}>}>
    }
    const found = await report<Report>(() => readFile(path.join(folder, 'report.json'), 'utf8'), printed)
    const violations = (found.assertions ?? []).flatMap((document) =>
      (document.assertions ?? []).map((assertion) => `${assertion['earl:test']['earl:impact'] ?? ''} ${assertion['earl:test']['dct:title']} (${document['earl:testSubject']?.url ?? ''})`.trim())
    )
    if (found['earl:result']['earl:outcome'] === 'pass' && violations.length === 0) return passed('epub', 'Ace by DAISY', '0 violations')
    return failed('epub', 'Ace by DAISY', violations.length > 0 ? violations : ['Ace did not pass'], `${violations.length} violations`)
  } finally {
    await rm(folder, {recursive: true, force: true})
  }
}
