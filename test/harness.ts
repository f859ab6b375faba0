/**
 * What the end-to-end tests share: the `folio` command run in this process
 * with one browser for the whole test file (each test file is a process of
 * its own), the real command as a process where the process is the point,
 * reading an edition's visible text, and the real Nu HTML Checker.
 */
import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {after} from 'node:test'
import {promisify} from 'node:util'
import type {Element, Root} from 'hast'
import {toText} from 'hast-util-to-text'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {remove} from 'unist-util-remove'
import {BrowserService} from '../build/browser/browser-service.ts'
import {quickJava} from '../build/check/tools.ts'
import {main} from '../build/cli/main.ts'
import {projectRoot, requireFromProject} from '../build/project.ts'

/** Folio's folder, found as the build finds it (the tests run from a bundle: scripts/run-tests.js). */
export {projectRoot}
export const fixtures = path.join(projectRoot, 'test', 'fixtures')
const folioCommand = path.join(projectRoot, 'build', 'folio.js')
const run = promisify(execFile)

export interface Run {
  code: number
  stdout: string
  stderr: string
}

/** The test file's one browser: started by the first build that needs it, closed after the file's last test. */
export const browser = new BrowserService()
after(() => browser.close())

/**
 * Run `folio` in this process, as a user would run it in `cwd` (default: the
 * project) with only `env` in its environment, sharing the file's browser.
 */
export async function folio(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}): Promise<Run> {
  const stdout: string[] = []
  const stderr: string[] = []
  const code = await main(args, {
    console: {out: (line) => stdout.push(`${line}\n`), err: (line) => stderr.push(`${line}\n`), color: false},
    cwd: options.cwd ?? projectRoot,
    env: options.env ?? {},
    browser,
    signal: new AbortController().signal
  })
  return {code, stdout: stdout.join(''), stderr: stderr.join('')}
}

/** Run the real `folio` command as a process, in `cwd`: for what only a process shows (the bundle, signals, exit). */
export async function runFolio(args: string[], options: {cwd?: string; env?: Record<string, string>; killAfter?: number} = {}): Promise<Run> {
  try {
    const {stdout, stderr} = await run(process.execPath, [folioCommand, ...args], {
      cwd: options.cwd ?? projectRoot,
      env: {...process.env, NO_COLOR: '1', ...options.env},
      maxBuffer: 64 * 1024 * 1024,
      // A process that does not end is killed (then this throws), rather than holding the test file open.
      ...(options.killAfter ? {timeout: options.killAfter, killSignal: 'SIGKILL' as const} : {})
    })
    return {code: 0, stdout, stderr}
  } catch (error) {
    const failed = error as {code?: number; stdout?: string; stderr?: string}
    if (typeof failed.code !== 'number') throw error
    return {code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? ''}
  }
}

/** A fresh temporary folder. */
export function scratchFolder(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `folio-${name}-`))
}

/** The text a reader sees in an HTML page: no head, scripts or styles; white space collapsed. */
export function visibleText(html: string): string {
  const tree = unified().use(rehypeParse).parse(html) as Root
  remove(tree, (node) => node.type === 'element' && ['head', 'script', 'style', 'template'].includes((node as Element).tagName))
  return toText(tree).replace(/\s+/g, ' ')
}

/** Straight and curly quotes made equal, for comparing the manuscript's text with an edition's. */
export function plainQuotes(text: string): string {
  return text.replace(/[’‘ʼ]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim()
}

/** The paragraphs of the brief, line by line, as the seed gives them. */
export function seedParagraphs(): string[] {
  return readFileSync(path.join(fixtures, 'seed', 'winning-the-peace-in-ukraine.txt'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
}

export interface NuMessage {
  type: string
  subType?: string
  message: string
  url: string
  lastLine?: number
}

/** Run the Nu HTML Checker once over several files (one Java start-up). */
export async function nuCheck(files: string[]): Promise<NuMessage[]> {
  if (files.length === 0) return []
  const jar = String(requireFromProject('vnu-jar'))
  const result = await run('java', [...quickJava, '-jar', jar, '--format', 'json', '--exit-zero-always', ...files], {maxBuffer: 64 * 1024 * 1024}).catch(
    (error: {stderr?: string}) => ({stdout: '', stderr: error.stderr ?? String(error)})
  )
  // vnu writes its JSON report to standard error.
  const report = JSON.parse(result.stderr || result.stdout) as {messages: NuMessage[]}
  return report.messages
}

/** Run a command-line tool (pdfinfo, pdftotext, …) and return what it printed. */
export async function tool(command: string, args: string[]): Promise<string> {
  const {stdout} = await run(command, args, {maxBuffer: 64 * 1024 * 1024})
  return stdout
}

/**
 * PDF text as pdftotext gives it, with the words hyphenated at a line's end
 * joined again (a compound such as "cease-fire" broken at its hyphen is
 * joined too: look for words, not for the hyphens of compounds).
 */
export function joinHyphenation(text: string): string {
  return text.replace(/([\p{L}\p{N}])-\n\s*([\p{L}\p{N}])/gu, '$1$2')
}

export interface EpubCheckReport {
  messages: Array<{ID: string; severity: string; message: string; locations: Array<{path: string; line: number}>}>
}

/** EPUBCheck (Debian's package, or EPUBCHECK_JAR) on one EPUB, as JSON. */
export async function epubCheck(file: string): Promise<EpubCheckReport> {
  const jar = process.env.EPUBCHECK_JAR ?? '/usr/share/java/epubcheck.jar'
  const report = `${file}.epubcheck.json`
  await run('java', [...quickJava, '-jar', jar, file, '--json', report], {maxBuffer: 64 * 1024 * 1024}).catch(() => undefined)
  return JSON.parse(readFileSync(report, 'utf8')) as EpubCheckReport
}

/**
 * EPUBCheck over several EPUBs in one Java process (test/tools/EpubCheckMany.java):
 * each file's errors and warnings, as `SEVERITY(ID): message`.
 */
export async function epubCheckMany(files: string[]): Promise<Map<string, string[]>> {
  const jar = process.env.EPUBCHECK_JAR ?? '/usr/share/java/epubcheck.jar'
  const program = path.join(projectRoot, 'test', 'tools', 'EpubCheckMany.java')
  const {stderr} = await run('java', [...quickJava, '-cp', jar, program, ...files], {maxBuffer: 64 * 1024 * 1024}).catch((error: {stderr?: string}) => ({stderr: error.stderr ?? String(error)}))
  const found = new Map<string, string[]>(files.map((file) => [file, []]))
  let current: string[] | undefined
  for (const line of stderr.split('\n')) {
    if (line.startsWith('FILE ')) current = found.get(line.slice(5))
    else if (/^(FATAL|ERROR|WARNING)\(/.test(line)) (current ?? found.get(files[0]!)!).push(line.replace(/^(\w+\([\w-]+\)): \S+?\.epub\/?/, '$1: '))
  }
  if (found.size !== files.length || ![...stderr.matchAll(/^FILE /gm)].length) throw new Error(`EPUBCheck did not run: ${stderr.slice(0, 500)}`)
  return found
}

/** Ace by DAISY on one EPUB, with the system's Chromium; its violations. */
export async function aceCheck(file: string): Promise<string[]> {
  const out = `${file}.ace`
  const ace = path.join(projectRoot, 'node_modules', '.bin', 'ace-cli')
  const chromium = process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium'
  await run(ace, ['--silent', '--force', '--outdir', out, file], {env: {...process.env, PUPPETEER_EXECUTABLE_PATH: chromium}, maxBuffer: 64 * 1024 * 1024})
  const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as {
    'earl:result': {'earl:outcome': string}
    assertions?: Array<{assertions?: Array<{'earl:test': {'dct:title': string}}>}>
  }
  const violations = (report.assertions ?? []).flatMap((document) => (document.assertions ?? []).map((assertion) => assertion['earl:test']['dct:title']))
  if (report['earl:result']['earl:outcome'] !== 'pass' && violations.length === 0) violations.push('Ace did not pass')
  return violations
}

/** A PDF's text as pdf.js gives it (the text layer readers' viewers use), page by page. */
export async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const {getDocument} = await import('pdfjs-dist/legacy/build/pdf.mjs')
  // A copy, as a plain Uint8Array (pdf.js refuses a Buffer, and takes ownership of what it is given).
  const pdf = await getDocument({data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, isEvalSupported: false, verbosity: 0}).promise
  const pages: string[] = []
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number)
    const content = await page.getTextContent()
    pages.push(content.items.map((item) => ('str' in item ? `${item.str}${item.hasEOL ? '\n' : ''}` : '')).join(''))
    page.cleanup()
  }
  await pdf.destroy()
  return pages
}
