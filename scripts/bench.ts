/**
 * `npm run bench`: how fast Folio is, measured, and written to
 * docs/benchmarks.md with the machine and the date. Medians of several runs
 * (BENCH_RUNS, default 5); peak memory. Never asserted in a test.
 *
 *   (a) cold: a whole `folio build` process, each edition alone and all three,
 *       for the brief, its body 50 and 200 times over, and 50 chapters;
 *   (b) warm: a rebuild after a one-word edit through the watch machinery
 *       (the session, its cache and its running browser);
 *   (c) the Markdown stage (read → Document) at 1x, 10x, 50x and 200x;
 *   (d) pandoc's HTML and EPUB on the same inputs, when pandoc is installed;
 *       and the PDF against a bare Puppeteer page.pdf() of the same page.
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {toHtml} from 'hast-util-to-html'
import {parse} from 'yaml'
import {PublishingSession} from '../build/publish/session.ts'
import {contentsOf, countContents} from '../build/document/contents.ts'
import type {Document} from '../build/document/document.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {pageSizes} from '../build/document/page-sizes.ts'
import {printableTree} from '../build/editions/pdf/index.ts'
import {printPage} from '../build/editions/pdf/print-page.ts'
import {fontSite} from '../build/editions/fonts.ts'
import {findWorks, type WorkSource} from '../build/read/discover-works.ts'

const project = fileURLToPath(new URL('../', import.meta.url))
const brief = path.join(project, 'manuscript', 'winning-the-peace-in-ukraine.md')
const runs = Number(process.env.BENCH_RUNS ?? 5)
const scratch = mkdtempSync(path.join(os.tmpdir(), 'folio-bench-'))
const hasGnuTime = spawnSync('sh', ['-c', 'test -x /usr/bin/time'], {stdio: 'ignore'}).status === 0
const pandoc = spawnSync('pandoc', ['--version'], {encoding: 'utf8'}).stdout?.split('\n')[0]

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
const ms = (value: number) => `${Math.round(value).toLocaleString('en')} ms`
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`

/** One whole process: wall time and the peak memory of its largest process (GNU time). */
function timedProcess(command: string, args: string[]): {milliseconds: number; peakRss?: number} {
  const started = performance.now()
  const result = hasGnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M', command, ...args], {cwd: project, encoding: 'utf8', maxBuffer: 1 << 26})
    : spawnSync(command, args, {cwd: project, encoding: 'utf8', maxBuffer: 1 << 26})
  const milliseconds = performance.now() - started
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`)
  const kb = /PEAK_RSS_KB=(\d+)/.exec(result.stderr ?? '')?.[1]
  return kb ? {milliseconds, peakRss: Number(kb) * 1024} : {milliseconds}
}

function repeated(count: number, label: string, run: () => {milliseconds: number; peakRss?: number}) {
  run()
  const measured = Array.from({length: count}, run)
  const peak = measured.some((item) => item.peakRss) ? Math.max(...measured.map((item) => item.peakRss ?? 0)) : undefined
  return {label, milliseconds: median(measured.map((item) => item.milliseconds)), peak}
}

/** The brief's body `times` times over, each copy a numbered section, in one file. */
function longWork(times: number): string {
  const source = readFileSync(brief, 'utf8')
  const end = source.indexOf('\n---\n', 4) + 5
  const sections = Array.from({length: times}, (_, index) => `## Part ${index + 1}\n\n${source.slice(end).replace(/^## /gm, '### ')}`)
  const folder = path.join(scratch, `x${times}`)
  mkdirSync(folder, {recursive: true})
  const file = path.join(folder, `brief-x${times}.md`)
  writeFileSync(file, `${source.slice(0, end)}\n${sections.join('\n')}`)
  return file
}

/** The brief's body as 50 chapter files, the metadata in book.yaml. */
function chapteredWork(chapters: number): string {
  const source = readFileSync(brief, 'utf8')
  const end = source.indexOf('\n---\n', 4) + 5
  const folder = path.join(scratch, `chapters-${chapters}`)
  mkdirSync(folder, {recursive: true})
  const names = Array.from({length: chapters}, (_, index) => `chapter-${index + 1}.md`)
  writeFileSync(path.join(folder, 'book.yaml'), `${source.slice(4, end - 5)}\nchapters:\n${names.map((name) => `  - ${name}`).join('\n')}\n`)
  for (const [index, name] of names.entries()) writeFileSync(path.join(folder, name), `# Chapter ${index + 1}\n\n${source.slice(end)}`)
  return folder
}

/** Words in a work's Markdown: a file, or every file of a folder. */
function wordsOf(work: string): number {
  const files = work.endsWith('.md') ? [work] : readdirSync(work).filter((name) => name.endsWith('.md')).map((name) => path.join(work, name))
  return files.reduce((sum, file) => sum + readFileSync(file, 'utf8').split(/\s+/).length, 0)
}

async function documentOf(work: WorkSource): Promise<Document> {
  return (await loadWork(work)).document!
}

const lines: string[] = []
const say = (line = '') => {
  lines.push(line)
  console.log(line)
}
const table = (header: string[]) => {
  say(`| ${header.join(' | ')} |`)
  say(`|${header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`)
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
const browserVersion = spawnSync('sh', ['-c', '(chromium-headless-shell --version || chromium --version) 2>/dev/null'], {encoding: 'utf8'}).stdout.trim()
say('# Benchmarks')
say()
say(
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ` +
    `${Math.round(os.totalmem() / 1024 ** 3)} GB, ${os.type()} ${os.release()}, Node ${process.version}` +
    `${browserVersion ? `, ${browserVersion}` : ''}${pandoc ? `, ${pandoc}` : ''}. Medians of ${runs} runs (3 for the 200x work). ` +
    'Peak memory is that of the largest single process (Node or the browser), from GNU time.'
)

const inputs = [
  {name: 'brief', path: brief, count: runs},
  {name: '50x', path: longWork(50), count: runs},
  {name: '200x', path: longWork(200), count: Math.min(runs, 3)},
  {name: '50 chapters', path: chapteredWork(50), count: runs}
]
const formatsOf = ['html', 'pdf', 'epub', 'html,pdf,epub']
const cold: Record<string, Record<string, number>> = {}

say()
say('## (a) Cold: a whole `folio build` process')
say()
say('From process start to exit: a new Node and, for the PDF and the EPUB cover, a new browser every time (one run first, not counted, warms the file cache and the bundle).')
say()
table(['work', 'words', 'html', 'pdf', 'epub', 'all three', 'peak memory (all three)'])
for (const input of inputs) {
  const words = wordsOf(input.path)
  cold[input.name] = {}
  let peak: number | undefined
  for (const formats of formatsOf) {
    const result = repeated(input.count, formats, () =>
      timedProcess(process.execPath, ['build/folio.js', 'build', input.path, '--format', formats, '--out', path.join(scratch, 'out')])
    )
    cold[input.name]![formats] = result.milliseconds
    if (formats.includes(',')) peak = result.peak
  }
  const row = formatsOf.map((formats) => ms(cold[input.name]![formats]!))
  say(`| ${input.name} | ${words.toLocaleString('en')} | ${row.join(' | ')} | ${peak ? mb(peak) : 'n/a'} |`)
}
say()
say(`Linear: the 200x build of all three takes ${(cold['200x']!['html,pdf,epub']! / cold['50x']!['html,pdf,epub']!).toFixed(2)} times the 50x build (target at most 4.4).`)

say()
const warmUpEdits = 2
say('## (b) Warm: a rebuild after a one-word edit')
say()
say(`Through the watch machinery: the publishing session with its chapter cache and running browser; one word of the text changes between runs; the time is from the save to the last edition written. The first ${warmUpEdits} edits of each session are not counted (V8 compiles the hot code during them: they take up to twice as long).`)
say()
table(['work', 'html', 'pdf', 'epub', 'all three'])
for (const input of inputs) {
  const [work] = await findWorks([input.path], project)
  const file = work!.file ?? path.join(work!.root, 'chapter-1.md')
  const original = readFileSync(file, 'utf8')
  const cells: string[] = []
  for (const formats of formatsOf) {
    const session = new PublishingSession({out: path.join(scratch, 'warm'), cwd: project, formats: formats.split(','), strict: false})
    try {
      await session.publish(work!)
      const times: number[] = []
      // Two edits first, not counted: an editor's session is warm once V8 has compiled its hot code.
      for (let run = -warmUpEdits; run < input.count; run++) {
        writeFileSync(file, original.replace('Over the past year', run % 2 ? 'Over the last year' : 'Over this past year'))
        const started = performance.now()
        const outcome = await session.publish(work!)
        if (!outcome.built) throw new Error(`${input.name} did not build`)
        if (run >= 0) times.push(performance.now() - started)
      }
      cells.push(ms(median(times)))
    } finally {
      writeFileSync(file, original)
      await session.close()
    }
  }
  say(`| ${input.name} | ${cells.join(' | ')} |`)
}

say()
say('## (c) The Markdown stage')
say()
say('Read → transform → Document, in one process, no cache.')
say()
table(['size', 'words', 'Markdown', 'µs per word'])
const markdown: Record<number, number> = {}
for (const times of [1, 10, 50, 200]) {
  const file = times === 1 ? brief : times === 50 ? inputs[1]!.path : times === 200 ? inputs[2]!.path : longWork(times)
  const [work] = await findWorks([file], project)
  const words = readFileSync(file, 'utf8').split(/\s+/).length
  const samples: number[] = []
  for (let run = 0; run < (times === 200 ? Math.min(runs, 3) : runs); run++) {
    const started = performance.now()
    await documentOf(work!)
    samples.push(performance.now() - started)
  }
  markdown[times] = median(samples)
  say(`| ${times}x | ${words.toLocaleString('en')} | ${ms(markdown[times]!)} | ${((markdown[times]! * 1000) / words).toFixed(1)} |`)
}
say()
say(`200x / 50x: ${(markdown[200]! / markdown[50]!).toFixed(2)} (4.0 is linear).`)

say()
say('## (d) Against other tools')
say()
if (pandoc) {
  say(`${pandoc}, \`pandoc -s --toc\` to HTML and to EPUB, whole process, on the same files (the 50-chapter work as its 50 files in order).`)
  say()
  table(['work', 'pandoc html', 'Folio html', 'ratio', 'pandoc epub', 'Folio epub', 'ratio'])
  for (const input of inputs) {
    const sources = input.path.endsWith('.md')
      ? [input.path]
      : (parse(readFileSync(path.join(input.path, 'book.yaml'), 'utf8')) as {chapters: string[]}).chapters.map((name) => path.join(input.path, name))
    const pandocHtml = repeated(input.count, 'html', () => timedProcess('pandoc', ['-s', '--toc', '--metadata', 'title=Bench', ...sources, '-o', path.join(scratch, 'pandoc.html')])).milliseconds
    const pandocEpub = repeated(input.count, 'epub', () => timedProcess('pandoc', ['-s', '--toc', '--metadata', 'title=Bench', ...sources, '-o', path.join(scratch, 'pandoc.epub')])).milliseconds
    const folioHtml = cold[input.name]!.html!
    const folioEpub = cold[input.name]!.epub!
    say(`| ${input.name} | ${ms(pandocHtml)} | ${ms(folioHtml)} | ${(folioHtml / pandocHtml).toFixed(2)} | ${ms(pandocEpub)} | ${ms(folioEpub)} | ${(folioEpub / pandocEpub).toFixed(2)} |`)
  }
} else {
  say('pandoc is not installed here: no comparison.')
}
say()
say('The PDF edition against a bare Puppeteer `page.pdf()` of the same print page (hyphenated, tagged, with the contents; browser running, page loaded from the same virtual origin): what Folio adds is reading the work, the table-of-contents passes and the finishing (outline, metadata), and writing the file.')
say()
table(['work', 'bare page.pdf()', 'Folio pdf (warm)', 'ratio'])
{
  const session = new PublishingSession({out: path.join(scratch, 'bare'), cwd: project, formats: ['pdf'], strict: false})
  try {
    for (const input of inputs) {
      const [work] = await findWorks([input.path], project)
      const document = await documentOf(work!)
      // The page Folio prints: hyphenated, with its contents (page numbers as placeholders).
      const chapters = document.chapters.map((chapter) => printableTree(chapter.tree, document.metadata.lang))
      const contents = contentsOf(document)
      const showToc = document.chapters.length > 1 || countContents(contents) > 6
      const html = toHtml(printPage({document, chapters, pageSize: pageSizes.a4!, printReady: false, ...(showToc ? {contents} : {})}))
      const fonts = fontSite(document.theme)
      const bare = async () => {
        const started = performance.now()
        await session.browser.run(
          {description: 'a bare print', site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html', body: html} : fonts(pathname))},
          (page) => page.pdf({preferCSSPageSize: true, printBackground: true, outline: true, tagged: true, timeout: 0})
        )
        return performance.now() - started
      }
      await bare()
      const bareTimes: number[] = []
      for (let run = 0; run < input.count; run++) bareTimes.push(await bare())
      await session.publish(work!)
      const folioTimes: number[] = []
      for (let run = 0; run < input.count; run++) {
        const started = performance.now()
        await session.publish(work!)
        folioTimes.push(performance.now() - started)
      }
      say(`| ${input.name} | ${ms(median(bareTimes))} | ${ms(median(folioTimes))} | ${(median(folioTimes) / median(bareTimes)).toFixed(2)} |`)
    }
  } finally {
    await session.close()
  }
}

writeFileSync(path.join(project, 'docs', 'benchmarks.md'), `${lines.join('\n')}\n`)
console.log('\nWritten to docs/benchmarks.md')
rmSync(scratch, {recursive: true, force: true})
