/**
 * `npm run bench`: how fast Folio is, measured, and written to
 * docs/benchmarks.md with the machine and the date. Medians of several runs;
 * peak memory. Never asserted in a test.
 *
 *   (a) the brief, whole process (`folio build`), each edition alone and all
 *       together, as a user runs it (a cold start: a new Node, a new Chromium);
 *   (b) the brief's editions rebuilt in a process that already runs, with the
 *       browser already started (what a watch mode pays);
 *   (c) the Markdown stage (read → transform → Document) and each edition at
 *       1x to 200x the brief, to show that no step grows faster than the input.
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {BrowserService} from '../build/browser/browser-service.ts'
import type {Document} from '../build/document/document.ts'
import {loadWork} from '../build/document/load-work.ts'
import {buildHtmlEdition} from '../build/editions/html.ts'
import {buildPdfEdition} from '../build/editions/pdf/index.ts'
import {findWorks} from '../build/read/discover-works.ts'

const project = fileURLToPath(new URL('../', import.meta.url))
const brief = path.join(project, 'manuscript', 'winning-the-peace-in-ukraine.md')
const runs = Number(process.env.BENCH_RUNS ?? 5)
const scratch = mkdtempSync(path.join(os.tmpdir(), 'folio-bench-'))

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`
const hasGnuTime = spawnSync('sh', ['-c', 'test -x /usr/bin/time'], {stdio: 'ignore'}).status === 0

/** One whole `folio` process: wall time and the peak memory of its largest process (GNU time). */
function wholeProcess(args: string[]): {milliseconds: number; peakRss?: number} {
  const started = performance.now()
  const [command, commandArgs] = hasGnuTime
    ? ['/usr/bin/time', ['-f', 'FOLIO_PEAK_RSS_KB=%M', process.execPath, 'build/folio.js', ...args]]
    : [process.execPath, ['build/folio.js', ...args]]
  const result = spawnSync(command, commandArgs as string[], {cwd: project, encoding: 'utf8'})
  const milliseconds = performance.now() - started
  if (result.status !== 0) throw new Error(`folio ${args.join(' ')} failed:\n${result.stderr}`)
  const kb = /FOLIO_PEAK_RSS_KB=(\d+)/.exec(result.stderr)?.[1]
  return kb ? {milliseconds, peakRss: Number(kb) * 1024} : {milliseconds}
}

/** The brief's body `times` times over, each copy a numbered section. */
function generatedWork(times: number): string {
  const source = readFileSync(brief, 'utf8')
  const end = source.indexOf('\n---\n', 4) + 5
  const [frontMatter, body] = [source.slice(0, end), source.slice(end)]
  const sections = Array.from({length: times}, (_, index) => `## Part ${index + 1}\n\n${body.replace(/^## /gm, '### ')}`)
  const folder = path.join(scratch, `x${times}`)
  mkdirSync(folder, {recursive: true})
  const file = path.join(folder, `brief-x${times}.md`)
  writeFileSync(file, `${frontMatter}\n${sections.join('\n')}`)
  return file
}

async function documentOf(file: string): Promise<Document> {
  const [work] = await findWorks([file], project)
  return (await loadWork(work!)).document!
}

async function timed(count: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let run = 0; run < count; run++) {
    const started = performance.now()
    await work()
    times.push(performance.now() - started)
  }
  return median(times)
}

const lines: string[] = []
const say = (line = '') => {
  lines.push(line)
  console.log(line)
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
const chromium = spawnSync('sh', ['-c', 'chromium --version 2>/dev/null || true'], {encoding: 'utf8'}).stdout.trim()
say('# Benchmarks')
say()
say(
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ` +
    `${Math.round(os.totalmem() / 1024 ** 3)} GB, ${os.type()} ${os.release()}, Node ${process.version}` +
    `${chromium ? `, ${chromium}` : ''}. Medians of ${runs} runs.`
)
say()
say('## (a) The brief, whole process, cold')
say()
say('`folio build manuscript/winning-the-peace-in-ukraine.md --format …`, from process start to exit: a new Node and, for the PDF, a new Chromium each time (one run first, not counted, to warm the file cache). Peak memory is that of the largest single process, Node or Chromium.')
say()
say('| editions | median | peak memory |')
say('|---|---:|---:|')
for (const formats of ['html', 'pdf', 'html,pdf']) {
  const args = ['build', brief, '--format', formats, '--out', path.join(scratch, 'out')]
  wholeProcess(args)
  const measured = Array.from({length: runs}, () => wholeProcess(args))
  const peak = measured.some((run) => run.peakRss) ? mb(Math.max(...measured.map((run) => run.peakRss ?? 0))) : 'n/a'
  say(`| ${formats === 'html,pdf' ? 'all (html, pdf)' : formats} | ${ms(median(measured.map((run) => run.milliseconds)))} | ${peak} |`)
}

say()
say('## (b) The brief, rebuilt warm')
say()
say('In one process with the Document read and Chromium already running: what rebuilding costs once start-up is paid.')
say()
const browser = new BrowserService()
try {
  const document = await documentOf(brief)
  await buildPdfEdition({document, browser})
  say('| step | median |')
  say('|---|---:|')
  say(`| Markdown (read → Document) | ${ms(await timed(runs, () => documentOf(brief)))} |`)
  say(`| html edition | ${ms(await timed(runs, async () => buildHtmlEdition({document, siblings: []})))} |`)
  say(`| pdf edition | ${ms(await timed(runs, () => buildPdfEdition({document, browser})))} |`)

  say()
  say('## (c) Growth with the size of the input')
  say()
  say("The brief's body repeated, each copy a numbered section (so the PDF gets a table of contents and two or more passes). In one process, Chromium running.")
  say()
  say('| size | words | Markdown | µs/word | html | pdf | pdf pages |')
  say('|---|---:|---:|---:|---:|---:|---:|')
  const results: Record<number, {markdown: number; html: number; pdf: number}> = {}
  for (const times of [1, 10, 50, 200]) {
    const file = generatedWork(times)
    const words = readFileSync(file, 'utf8').split(/\s+/).length
    const count = times >= 50 ? Math.min(runs, 3) : runs
    const markdown = await timed(count, () => documentOf(file))
    const document = await documentOf(file)
    const html = await timed(count, async () => buildHtmlEdition({document, siblings: []}))
    let pages = 0
    const pdf = await timed(count, async () => {
      const bytes = await buildPdfEdition({document, browser})
      pages = (Buffer.from(bytes).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length
    })
    results[times] = {markdown, html, pdf}
    say(`| ${times}x | ${words.toLocaleString('en')} | ${ms(markdown)} | ${((markdown * 1000) / words).toFixed(1)} | ${ms(html)} | ${ms(pdf)} | ${pages} |`)
  }
  say()
  const ratio = (key: 'markdown' | 'html' | 'pdf') => (results[200]![key] / results[50]![key]).toFixed(2)
  say(`200x / 50x: Markdown ${ratio('markdown')}, html ${ratio('html')}, pdf ${ratio('pdf')} (4.0 is linear; the target is at most 4.4). Medians of ${Math.min(runs, 3)} runs at 50x and 200x.`)
} finally {
  await browser.close()
}

writeFileSync(path.join(project, 'docs', 'benchmarks.md'), `${lines.join('\n')}\n`)
console.log('\nWritten to docs/benchmarks.md')
rmSync(scratch, {recursive: true, force: true})
