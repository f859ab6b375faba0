/**
 * The outside checkers, used when they are installed: EPUBCheck and the Nu
 * HTML Checker (both on Java), Ace by DAISY (on Node and Chromium). When one
 * is missing its check is skipped, saying how to enable it.
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

export async function runEpubcheck(file: string): Promise<CheckResult> {
  const jar = epubcheckJar()
  if (!jar || !hasJava()) return skipped('epub', 'EPUBCheck', 'not installed (apt-get install epubcheck, or set EPUBCHECK_JAR; it needs Java)')
  const folder = await mkdtemp(path.join(os.tmpdir(), 'folio-epubcheck-'))
  try {
    const report = path.join(folder, 'report.json')
    await run('java', ['-jar', jar, file, '--json', report], big).catch(() => undefined)
    const messages = (JSON.parse(await readFile(report, 'utf8')) as {messages: Array<{ID: string; severity: string; message: string; locations?: Array<{path: string; line: number}>}>}).messages
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
  const result = await run('java', ['-jar', jar, '--format', 'json', '--exit-zero-always', file], big)
  const messages = (JSON.parse(result.stderr || result.stdout) as {messages: Array<{type: string; subType?: string; message: string; lastLine?: number}>}).messages
  const errors = messages.filter((message) => message.type === 'error' || message.subType === 'fatal')
  if (errors.length === 0) return passed('html', 'Nu HTML Checker', '0 errors')
  return failed('html', 'Nu HTML Checker', errors.map((error) => `line ${error.lastLine ?? '?'}: ${error.message}`), `${errors.length} errors`)
}

/** Ace by DAISY, with a full Chromium (PUPPETEER_EXECUTABLE_PATH, else chromium on the PATH). */
export async function runAce(file: string): Promise<CheckResult> {
  const ace = aceCommand()
  if (!ace) return skipped('epub', 'Ace by DAISY', 'not installed (npm install -g @daisy/ace-cli)')
  const chromium = process.env.PUPPETEER_EXECUTABLE_PATH ?? (spawnSync('sh', ['-c', 'command -v chromium || command -v google-chrome'], {encoding: 'utf8'}).stdout.trim().split('\n')[0] || undefined)
  if (!chromium) return skipped('epub', 'Ace by DAISY', 'no Chromium for it (apt-get install chromium, or set PUPPETEER_EXECUTABLE_PATH)')
  const folder = await mkdtemp(path.join(os.tmpdir(), 'folio-ace-'))
  try {
    await run(ace, ['--silent', '--force', '--outdir', folder, file], {...big, env: {...process.env, PUPPETEER_EXECUTABLE_PATH: chromium}})
    const report = JSON.parse(await readFile(path.join(folder, 'report.json'), 'utf8')) as {
      'earl:result': {'earl:outcome': string}
      assertions?: Array<{'earl:testSubject'?: {url?: string}; assertions?: Array<{'earl:test': {'dct:title': string; 'earl:impact'?: string}}>}>
    }
    const violations = (report.assertions ?? []).flatMap((document) =>
      (document.assertions ?? []).map((assertion) => `${assertion['earl:test']['earl:impact'] ?? ''} ${assertion['earl:test']['dct:title']} (${document['earl:testSubject']?.url ?? ''})`.trim())
    )
    if (report['earl:result']['earl:outcome'] === 'pass' && violations.length === 0) return passed('epub', 'Ace by DAISY', '0 violations')
    return failed('epub', 'Ace by DAISY', violations.length > 0 ? violations : ['Ace did not pass'], `${violations.length} violations`)
  } catch (error) {
    return failed('epub', 'Ace by DAISY', [`Ace could not run: ${(error as Error).message.split('\n')[0]}`], 'did not run')
  } finally {
    await rm(folder, {recursive: true, force: true})
  }
}
