/**
 * `npm run bench`: how fast Folio is, measured, and written to
 * docs/benchmarks.md with the machine and the date. Medians of several runs;
 * peak memory. Never asserted in a test.
 *
 *   (a) the brief, whole process (`folio build`), as a user runs it;
 *   (b) the Markdown stage (read → transform → Document) and the HTML
 *       edition in one process, at 1x, 10x, 50x and 200x the brief, to show
 *       that no step grows faster than the input.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {loadWork} from '../build/document/load-work.ts'
import {buildHtmlEdition} from '../build/editions/html.ts'
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
const ms = (value: number) => `${Math.round(value)} ms`
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

/** One whole `folio` process: wall time and peak resident memory (from GNU time when present). */
function wholeProcess(args: string[]): {milliseconds: number; peakRss?: number} {
  const gnuTime = spawnSync('sh', ['-c', 'command -v /usr/bin/time'], {stdio: 'ignore'}).status === 0
  const started = performance.now()
  const command = gnuTime ? '/usr/bin/time' : process.execPath
  const commandArgs = gnuTime ? ['-f', 'FOLIO_PEAK_RSS_KB=%M', process.execPath, 'build/folio.js', ...args] : ['build/folio.js', ...args]
  const result = spawnSync(command, commandArgs, {cwd: project, encoding: 'utf8'})
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

async function inProcess(file: string): Promise<{markdown: number; html: number; words: number}> {
  const [work] = await findWorks([file], project)
  const markdown: number[] = []
  const html: number[] = []
  for (let run = 0; run < runs; run++) {
    let started = performance.now()
    const result = await loadWork(work!)
    markdown.push(performance.now() - started)
    started = performance.now()
    buildHtmlEdition({document: result.document!, siblings: []})
    html.push(performance.now() - started)
  }
  const words = readFileSync(file, 'utf8').split(/\s+/).length
  return {markdown: median(markdown), html: median(html), words}
}

const lines: string[] = []
const say = (line = '') => {
  lines.push(line)
  console.log(line)
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
say('# Benchmarks')
say()
say(`Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 1024 ** 3)} GB, ${os.type()} ${os.release()}, Node ${process.version}. Medians of ${runs} runs.`)
say()
say('## The brief, whole process')
say()
say('`folio build manuscript/winning-the-peace-in-ukraine.md --format html`, from process start to exit (one run first to warm the file cache).')
say()
wholeProcess(['build', brief, '--format', 'html', '--out', path.join(scratch, 'out')])
const cold = Array.from({length: runs}, () => wholeProcess(['build', brief, '--format', 'html', '--out', path.join(scratch, 'out')]))
say('| edition | median | peak memory |')
say('|---|---:|---:|')
say(`| html | ${ms(median(cold.map((run) => run.milliseconds)))} | ${cold[0]?.peakRss ? mb(Math.max(...cold.map((run) => run.peakRss ?? 0))) : 'n/a'} |`)
say()
say('## Growth with the size of the input')
say()
say('The brief\'s body repeated, each copy a numbered section; read → transform → Document ("Markdown"), then the HTML edition, in one process.')
say()
say('| size | words | Markdown | HTML edition | µs per word (Markdown) | resident memory after |')
say('|---|---:|---:|---:|---:|---:|')
const results: Record<number, {markdown: number; html: number}> = {}
for (const times of [1, 10, 50, 200]) {
  const result = await inProcess(generatedWork(times))
  results[times] = result
  say(`| ${times}x | ${result.words.toLocaleString('en')} | ${ms(result.markdown)} | ${ms(result.html)} | ${((result.markdown * 1000) / result.words).toFixed(1)} | ${mb(process.memoryUsage().rss)} |`)
}
say()
const ratio = (key: 'markdown' | 'html') => (results[200]![key] / results[50]![key]).toFixed(2)
say(`200x / 50x: Markdown ${ratio('markdown')}, HTML edition ${ratio('html')} (4.0 is linear; the target is at most 4.4).`)

writeFileSync(path.join(project, 'docs', 'benchmarks.md'), `${lines.join('\n')}\n`)
console.log(`\nWritten to docs/benchmarks.md`)
execFileSync('rm', ['-rf', scratch])
