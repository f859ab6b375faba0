/**
 * `npm run bench`: how fast Folio is, measured, and written to
 * docs/benchmarks.md with the machine, the date and the load it ran under.
 * Never asserted in a test. Progress goes to stderr, the tables to stdout.
 *
 * Sections (all by default):
 *   classic  (a) cold: a whole `folio build` process, each edition alone and
 *               all three, for the brief, its body 50 and 200 times over, and
 *               50 chapters; (b) warm: a rebuild after a one-word edit through
 *               the watch machinery (the session, its cache and its running
 *               browser); (c) the Markdown stage (read → Document);
 *               (d) pandoc's HTML and EPUB on the same inputs, when installed.
 *   bare     (e) Folio's PDF against a bare page.pdf() of the very page Folio
 *               prints (recorded from Folio's own print job, with its fonts and
 *               images, from the same virtual origin), in pairs run one after
 *               the other (bare, Folio, bare, Folio…), each pair's ratio:
 *               warm (a running session, PDF only, one-word edits) and cold
 *               (a whole `folio build` process against a whole bare Puppeteer
 *               process, scripts/bare-print.js, that launches the same
 *               Chromium, loads that page and prints it once).
 *   watch    (f) `folio watch` on the 50x work: a one-word edit saved → the
 *               HTML edition written, the preview told to reload, the PDF
 *               written; the PDF against a bare print in the same browser.
 *   long     (g) a book of 1.6 million words (scripts/long-work.ts, from the
 *               text the project ships): `folio build` of all three editions
 *               with default settings against one bare print process of its
 *               print page; wall and CPU time, the PDF's time, pages, peak
 *               memory of all processes (PSS and RSS summed over the process
 *               tree, sampled every 0.5 s), EPUBCheck on its EPUB. Minutes.
 *
 * Settings (environment, or flags after `npm run bench --`):
 *   BENCH_RUNS=5           runs of each case (3 at most for the 200x work)
 *   BENCH_PAIRS=9          pairs (or edits) of each ratio against a bare print
 *                          in (e) and (f): a single print on this machine varies
 *                          by a third from one minute to the next, and the
 *                          median of five pairs moved by a tenth between runs
 *   BENCH_LONG_RUNS=1      runs of the long case (one run takes minutes: recording
 *                          its page, one bare print, one build, EPUBCheck)
 *   BENCH_ONLY=long,watch  only these sections  (--only=long,watch)
 *   BENCH_LONG=0           every section but the long one  (--skip-long)
 *   BENCH_OUT=FILE         where the tables go  (--out=FILE); by default
 *                          docs/benchmarks.md when every section ran, else a
 *                          file in the temporary folder (named at the end).
 * Targets from the long-works work (each printed with pass or FAIL beside its
 * figure): 50x PDF ≤ 1.3 times a bare print, warm and cold; the brief's three
 * editions, cold, ≤ 1.3 times a bare print process; the long book's PDF ≤ 1.5
 * times one bare print, peak memory of all processes under 2 GB, EPUBCheck
 * 0 errors and 0 warnings; in watch mode on the 50x work, the HTML written
 * ≤ 150 ms after the save and the PDF ≤ 1.3 times a bare print.
 */
import {spawn, spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch as watchFolder, writeFileSync} from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {parse} from 'yaml'
import {PublishingSession} from '../build/publish/session.ts'
import type {Document} from '../build/document/document.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {editionSettings} from '../build/pipeline/settings.ts'
import {buildPdfEdition} from '../build/editions/pdf/index.ts'
import {findBrowser} from '../build/browser/find-browser.ts'
import {runEpubcheck} from '../build/check/tools.ts'
import {findWorks, type WorkSource} from '../build/read/discover-works.ts'
import {
  bareProcess,
  barePrint,
  defaultEnvironment,
  isRecorded,
  mb,
  median,
  ms,
  pagesOf,
  progress,
  project,
  ratio,
  RecordingBrowser,
  sampledProcess,
  spread,
  verdict,
  writeSite,
  type RecordedSite
} from './bench-tools.ts'
import {writeLongWork} from './long-work.ts'

const sections = ['classic', 'bare', 'watch', 'long']
const {values: flags} = parseArgs({options: {only: {type: 'string'}, 'skip-long': {type: 'boolean'}, out: {type: 'string'}}})
const only = flags.only ?? process.env.BENCH_ONLY
const chosen = new Set(only ? only.split(',').map((name) => name.trim()) : sections)
if (flags['skip-long'] || process.env.BENCH_LONG === '0') chosen.delete('long')
for (const name of chosen) if (!sections.includes(name)) throw new Error(`BENCH_ONLY: no section \`${name}\` (choose from ${sections.join(', ')})`)
const complete = sections.every((name) => chosen.has(name))
const target = flags.out ?? process.env.BENCH_OUT ?? (complete ? path.join(project, 'docs', 'benchmarks.md') : path.join(os.tmpdir(), `folio-benchmarks-${process.pid}.md`))

const runs = Number(process.env.BENCH_RUNS ?? 5)
const pairs = Number(process.env.BENCH_PAIRS ?? 9)
const longRuns = Number(process.env.BENCH_LONG_RUNS ?? 1)
const scratch = mkdtempSync(path.join(os.tmpdir(), 'folio-bench-'))
// The brief is edited between warm runs: a copy, so that the manuscript is never left edited by a bench stopped midway.
const brief = path.join(scratch, 'brief', 'winning-the-peace-in-ukraine.md')
mkdirSync(path.dirname(brief), {recursive: true})
copyFileSync(path.join(project, 'manuscript', 'winning-the-peace-in-ukraine.md'), brief)
const hasGnuTime = spawnSync('sh', ['-c', 'test -x /usr/bin/time'], {stdio: 'ignore'}).status === 0
const pandoc = spawnSync('pandoc', ['--version'], {encoding: 'utf8'}).stdout?.split('\n')[0]

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

/** The file a one-word edit goes into: the work's file, or its first chapter. */
function editedFile(work: WorkSource): string {
  return work.file ?? path.join(work.root, 'chapter-1.md')
}

/** The text with one word changed: `run` decides which, so that two edits in a row differ. */
function edited(original: string, run: number): string {
  return original.replace('Over the past year', run % 2 ? 'Over the last year' : 'Over this past year')
}

/**
 * The page Folio prints for a work, recorded from its own print job (stopped
 * once the page has loaded), as one print loads it: a work of more than
 * 100,000 words is printed in parts (docs/decisions/0015-printing-in-parts.md),
 * and the bare print it is compared with is the whole work in one page.pdf().
 */
async function recordPrintPage(file: string, browser: RecordingBrowser): Promise<RecordedSite> {
  const [work] = await findWorks([file], project)
  const {document} = await loadWork(work!)
  if (!document) throw new Error(`${file} did not read`)
  browser.recorded = undefined
  browser.recordOnly = true
  let error: unknown
  try {
    await buildPdfEdition({document, settings: editionSettings(document), browser, wordsPerPart: Number.POSITIVE_INFINITY})
  } catch (caught) {
    error = caught
  } finally {
    browser.recordOnly = false
  }
  // Set by the print job, which the compiler cannot see.
  const recorded = browser.recorded as RecordedSite | undefined
  if (!isRecorded(error) || !recorded?.html) throw new Error(`the print page of ${file} was not recorded`, {cause: error})
  return recorded
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
const loadAtStart = os.loadavg()
say('# Benchmarks')
say()
say(
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ` +
    `${Math.round(os.totalmem() / 1024 ** 3)} GB, ${os.type()} ${os.release()}, Node ${process.version}` +
    `${browserVersion ? `, ${browserVersion}` : ''}${pandoc ? `, ${pandoc}` : ''}. Medians of ${runs} run${runs === 1 ? '' : 's'} (3 at most for the 200x work, ${longRuns} for the long book; ${pairs} pairs for each ratio against a bare print in (e) and (f)), ` +
    'with the spread (least–most) where it matters. In (a), peak memory is that of the largest single process (Node or the browser), from GNU time; in (g), of all processes together.'
)
const loadLine = lines.length
say()
say(
  'Sections: (a)–(d) as before; (e) the PDF against a bare `page.pdf()` of the same page, warm and cold, in interleaved pairs; (f) watch mode; (g) a 1.6-million-word book. ' +
    '`BENCH_RUNS` sets the runs (default 5), `BENCH_PAIRS` the pairs of each ratio against a bare print (default 9: one print on this machine varies by a third from minute to minute, and the median of five pairs moved by a tenth from one run to the next), `BENCH_LONG_RUNS` those of the long book (default 1: one run takes minutes, and three would push the whole bench past 25 minutes; `BENCH_LONG_RUNS=3` gives a spread); ' +
    '`BENCH_ONLY=long` (or `npm run bench -- --only=long`) runs only the long book, `BENCH_LONG=0` (`--skip-long`) everything but it; sections are `classic`, `bare`, `watch`, `long`. ' +
    'A run of only some sections writes to a temporary file unless `BENCH_OUT` names one. Targets are printed beside their figures with pass or FAIL.'
)

const inputs = [
  {name: 'brief', path: brief, count: runs},
  {name: '50x', path: longWork(50), count: runs},
  {name: '200x', path: longWork(200), count: Math.min(runs, 3)},
  {name: '50 chapters', path: chapteredWork(50), count: runs}
]
const fifty = inputs[1]!.path

const warmUpEdits = 2

if (chosen.has('classic')) {
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
      progress(`(a) cold ${input.name} ${formats}`)
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
  say('## (b) Warm: a rebuild after a one-word edit')
  say()
  say(`Through the watch machinery: the publishing session with its chapter cache, incremental parse (docs/decisions/0016-incremental-parsing.md) and running browser; one word of the text changes between runs; the time is from the save to the last edition written. The first ${warmUpEdits} edits of each session are not counted (V8 compiles the hot code during them: they take up to twice as long).`)
  say()
  table(['work', 'html', 'pdf', 'epub', 'all three'])
  for (const input of inputs) {
    const [work] = await findWorks([input.path], project)
    const file = editedFile(work!)
    const original = readFileSync(file, 'utf8')
    const cells: string[] = []
    for (const formats of formatsOf) {
      progress(`(b) warm ${input.name} ${formats}`)
      const session = new PublishingSession({out: path.join(scratch, 'warm'), cwd: project, formats: formats.split(','), strict: false, incremental: true})
      try {
        await session.publish(work!)
        const times: number[] = []
        // Two edits first, not counted: an editor's session is warm once V8 has compiled its hot code.
        for (let run = -warmUpEdits; run < input.count; run++) {
          writeFileSync(file, edited(original, run))
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
    progress(`(c) Markdown ${times}x`)
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
      progress(`(d) pandoc ${input.name}`)
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
}

/** The bench's own browser: it records the pages Folio prints and makes the bare prints of them. */
const browser = new RecordingBrowser()
/** The page Folio prints, by the input's name. */
const printPages = new Map<string, RecordedSite>()
const found = await findBrowser()
const printPageOf = async (name: string, file: string) => {
  if (!printPages.has(name)) {
    progress(`recording the print page of ${name}`)
    printPages.set(name, await recordPrintPage(file, browser))
  }
  return printPages.get(name)!
}

if (chosen.has('bare')) {
  say()
  say('## (e) The PDF against a bare print of the same page')
  say()
  say(
    'Warm: Folio\'s PDF rebuilt after a one-word edit through the watch machinery (the session with the incremental parse watch mode uses, PDF only, its browser running) against a bare Puppeteer `page.pdf()` in the same browser of the very page Folio prints ' +
      '(recorded from Folio\'s own print job, with its fonts and images, loaded from the same virtual origin): what Folio adds is reading the work, setting the lines, the contents\' numbers, the finishing and writing the file. ' +
      'The page is recorded as a plain document, without the two things Folio adds to load it fast (a style that keeps it from being laid out for the screen before its lines are set, and preloads of its faces: `withoutLoadingHints` in scripts/bench-tools.ts), so that the bare print is laid out as it loads, as any page is; with them, a bare print would skip that layout too. ' +
      `Pairs run one after the other (bare, Folio, bare, Folio…); the ratio is each pair's; ${warmUpEdits} pairs first are not counted.`
  )
  say()
  table(['work', 'bare page.pdf()', 'Folio pdf (warm)', 'Folio / bare, per pair', 'target'])
  for (const input of inputs) {
    const recorded = await printPageOf(input.name, input.path)
    const [work] = await findWorks([input.path], project)
    const file = editedFile(work!)
    const original = readFileSync(file, 'utf8')
    const session = new PublishingSession({out: path.join(scratch, 'bare'), cwd: project, formats: ['pdf'], strict: false, incremental: true}, browser)
    const bare: number[] = []
    const folio: number[] = []
    const ratios: number[] = []
    try {
      const count = input.name === '200x' ? input.count : pairs
      for (let run = -warmUpEdits; run < count; run++) {
        progress(`(e) warm ${input.name}, pair ${run + warmUpEdits + 1} of ${count + warmUpEdits}`)
        const bareTime = await barePrint(browser, recorded)
        writeFileSync(file, edited(original, run))
        const started = performance.now()
        const outcome = await session.publish(work!)
        const folioTime = performance.now() - started
        if (!outcome.built) throw new Error(`${input.name} did not build`)
        if (run < 0) continue
        bare.push(bareTime)
        folio.push(folioTime)
        ratios.push(folioTime / bareTime)
      }
    } finally {
      writeFileSync(file, original)
      await session.close()
    }
    const goal = input.name === '50x' ? `≤ 1.30: ${verdict(median(ratios) <= 1.3)}` : ''
    say(`| ${input.name} | ${spread(bare, ms)} | ${spread(folio, ms)} | ${spread(ratios, ratio)} | ${goal} |`)
  }

  say()
  say(
    'Cold: a whole `folio build` process against a whole bare Puppeteer process (scripts/bare-print.js) that launches the same Chromium with the same arguments, loads the same recorded page from the same virtual origin, calls `page.pdf()` once, writes the file and exits. ' +
      `Interleaved pairs (bare, Folio, …), one pair first not counted; the ratio is each pair's. The bare process's own times are from its start: browser up, page loaded, printed.`
  )
  say()
  table(['work', 'editions', 'bare process', 'bare: up / loaded / printed', 'Folio process', 'Folio / bare, per pair', 'target'])
  const coldCases = [
    {name: 'brief', path: brief, formats: 'pdf', goal: undefined},
    {name: 'brief', path: brief, formats: 'html,pdf,epub', goal: 1.3},
    {name: '50x', path: fifty, formats: 'pdf', goal: 1.3}
  ]
  for (const item of coldCases) {
    const site = writeSite(await printPageOf(item.name, item.path), path.join(scratch, `site-${item.name}`))
    const out = path.join(scratch, 'cold')
    const folioRun = async () => {
      const run = await sampledProcess(process.execPath, ['build/folio.js', 'build', item.path, '--format', item.formats, '--out', out], {env: defaultEnvironment(), sample: false})
      if (run.status !== 0) throw new Error(`folio build ${item.name} failed:\n${run.stderr}`)
      return run
    }
    const bareRun = () => bareProcess(site, path.join(scratch, 'bare.pdf'), found)
    const bare: Awaited<ReturnType<typeof bareRun>>[] = []
    const folio: number[] = []
    const ratios: number[] = []
    for (let run = -1; run < pairs; run++) {
      progress(`(e) cold ${item.name} ${item.formats}, pair ${run + 2} of ${pairs + 1}`)
      const bareTime = await bareRun()
      const folioTime = (await folioRun()).milliseconds
      if (run < 0) continue
      bare.push(bareTime)
      folio.push(folioTime)
      ratios.push(folioTime / bareTime.milliseconds)
    }
    const stages = `${ms(median(bare.map((run) => run.launched)))} / ${ms(median(bare.map((run) => run.loaded)))} / ${ms(median(bare.map((run) => run.printed)))}`
    const goal = item.goal ? `≤ ${item.goal.toFixed(2)}: ${verdict(median(ratios) <= item.goal)}` : ''
    say(`| ${item.name} | ${item.formats.replace(/,/g, ', ')} | ${spread(bare.map((run) => run.milliseconds), ms)} | ${stages} | ${spread(folio, ms)} | ${spread(ratios, ratio)} | ${goal} |`)
  }
}

if (chosen.has('watch')) {
  say()
  say('## (f) Watch mode: a one-word edit to the 50x work')
  say()
  say(
    '`folio watch` on the 50x work (all three editions, its preview server on) as a process of its own, observed from outside, so that nothing it does delays the observer: from the moment the edit is saved to the moment the HTML edition is renamed into place (inotify on the output folder), ' +
      'open preview pages are told to reload (its event stream, read as a page reads it) and the PDF is renamed into place. ' +
      'Watch builds a save of a chapter at once when nothing is building (other changes, and saves during a build, wait for 120 ms of quiet); any wait is inside these times. ' +
      `Before each edit, a bare \`page.pdf()\` of the same page in the bench's own running browser; the PDF's ratio is each pair's. The first ${warmUpEdits} edits are not counted.`
  )
  say()
  const recorded = await printPageOf('50x', fifty)
  const measured = await measureWatch(fifty, recorded, pairs)
  table(['from the save to', 'median (least–most)', 'target'])
  say(`| the HTML edition written | ${spread(measured.html, ms)} | ≤ 150 ms: ${verdict(median(measured.html) <= 150)} |`)
  say(`| the preview told to reload | ${spread(measured.reload, ms)} | |`)
  say(`| the PDF written | ${spread(measured.pdf, ms)} | |`)
  say(`| every edition written (watch's line) | ${spread(measured.done, ms)} | |`)
  say(`| (bare \`page.pdf()\`, running browser) | ${spread(measured.bare, ms)} | |`)
  say(`| PDF written / bare print, per pair | ${spread(measured.ratios, ratio)} | ≤ 1.30: ${verdict(median(measured.ratios) <= 1.3)} |`)
  if (measured.htmlBuild.length > 0) say(`| (the HTML edition's build, as watch reports it) | ${spread(measured.htmlBuild, ms)} | |`)
}

/** `folio watch` on `file`, `count` one-word edits (after the warm-up ones): when each edition lands, and bare prints between. */
async function measureWatch(file: string, recorded: RecordedSite, count: number) {
  const out = path.join(scratch, 'watch')
  mkdirSync(out, {recursive: true})
  const slug = path.basename(file, '.md')
  const original = readFileSync(file, 'utf8')
  const child = spawn(process.execPath, ['build/folio.js', 'watch', file, '--out', out, '--port', '0'], {cwd: project, env: defaultEnvironment(), stdio: ['ignore', 'pipe', 'pipe']})
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let marks: {html?: number; reload?: number; pdf?: number; done?: number; line?: string} = {}
  const printed: string[] = []
  let stderr = ''
  let pending = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const now = performance.now()
    pending += chunk
    const complete = pending.split('\n')
    pending = complete.pop()!
    for (const line of complete) {
      printed.push(line)
      if (/\(\d+ ms in all\)$|^stopped for a newer save/.test(line)) {
        marks.done ??= now
        marks.line ??= line
      }
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const until = async (done: () => boolean, seconds: number, what: string) => {
    const deadline = performance.now() + seconds * 1000
    while (!done()) {
      if (child.exitCode !== null) throw new Error(`folio watch exited (${child.exitCode}) while ${what}:\n${printed.join('\n')}\n${stderr}`)
      if (performance.now() > deadline) throw new Error(`folio watch took longer than ${seconds} s ${what}:\n${printed.join('\n')}\n${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  const watcher = watchFolder(out, (_event, name) => {
    const now = performance.now()
    if (name === `${slug}.html`) marks.html ??= now
    if (name === `${slug}.pdf`) marks.pdf ??= now
  })
  let events: http.ClientRequest | undefined
  const result = {html: [] as number[], reload: [] as number[], pdf: [] as number[], done: [] as number[], bare: [] as number[], ratios: [] as number[], htmlBuild: [] as number[]}
  try {
    progress('(f) starting folio watch on the 50x work')
    await until(() => printed.some((line) => line.startsWith('Watching')), 180, 'to build and start watching')
    const address = /^Preview at (\S+)/.exec(printed.find((line) => line.startsWith('Preview at')) ?? '')?.[1]
    if (!address) throw new Error(`folio watch did not say where its preview is:\n${printed.join('\n')}`)
    let connected = false
    events = http.get(new URL('/__folio/events', address), (response) => {
      connected = true
      let buffered = ''
      response.setEncoding('utf8').on('data', (chunk: string) => {
        const now = performance.now()
        buffered += chunk
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          if (/^event: rebuilt$/m.test(buffered.slice(0, end))) marks.reload ??= now
          buffered = buffered.slice(end + 2)
        }
      })
    })
    events.on('error', () => undefined)
    await until(() => connected, 10, 'to answer on its event stream')
    for (let run = -warmUpEdits; run < count; run++) {
      progress(`(f) watch edit ${run + warmUpEdits + 1} of ${count + warmUpEdits}`)
      const bare = await barePrint(browser, recorded)
      marks = {}
      const saved = performance.now()
      writeFileSync(file, edited(original, run))
      await until(() => marks.done !== undefined && marks.html !== undefined && marks.pdf !== undefined && marks.reload !== undefined, 300, 'to rebuild after an edit')
      if (!/^rebuilt/.test(marks.line!)) throw new Error(`folio watch did not rebuild: ${marks.line}`)
      if (run < 0) continue
      result.html.push(marks.html! - saved)
      result.reload.push(marks.reload! - saved)
      result.pdf.push(marks.pdf! - saved)
      result.done.push(marks.done! - saved)
      result.bare.push(bare)
      result.ratios.push((marks.pdf! - saved) / bare)
      const own = /\bhtml (\d+) ms/.exec(marks.line!)?.[1]
      if (own) result.htmlBuild.push(Number(own))
    }
  } finally {
    events?.destroy()
    watcher.close()
    child.kill('SIGINT')
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(killer)
    writeFileSync(file, original)
  }
  return result
}

if (chosen.has('long')) {
  // Nothing of the bench's own keeps running while the long book is measured.
  await browser.close()
  say()
  say('## (g) A long book: 1.6 million words')
  say()
  progress('(g) writing the long book (scripts/long-work.ts)')
  const folder = path.join(scratch, 'long-book')
  const long = writeLongWork(folder)
  say(
    `${long.words.toLocaleString('en')} words in ${long.chapters} chapters, made by scripts/long-work.ts from the text the project ships (sections, notes, tables, figures, links between chapters). ` +
      '`folio build` of all three editions with default settings (none of its limits set in the environment), a whole process, against one bare print process (scripts/bare-print.js) of the page Folio prints (recorded from its print job). ' +
      'The PDF\'s time is the PDF edition\'s, from the build\'s report; the bare print\'s is its page load and `page.pdf()`, without the browser\'s start. ' +
      'Memory is that of every process of the build (Node, Chromium\'s browser, renderers and helpers), summed and sampled every 0.5 s: PSS (shared pages divided among the processes that share them, from /proc/PID/smaps_rollup) and RSS (shared pages counted in each). ' +
      `CPU time is user and system time of every process of the tree, each to its last sample. ${longRuns === 1 ? 'One run.' : `${longRuns} runs: medians (least–most).`}`
  )
  say()
  progress(`(g) ${long.words.toLocaleString('en')} words; recording its print page (read and typeset in this process, loaded in Chromium, not printed)`)
  const recorder = new RecordingBrowser()
  let site: string
  try {
    site = writeSite(await recordPrintPage(folder, recorder), path.join(scratch, 'site-long'))
  } finally {
    await recorder.close()
  }
  const out = path.join(scratch, 'long-out')
  const barePdf = path.join(scratch, 'long-bare.pdf')
  const bare: Awaited<ReturnType<typeof bareProcess>>[] = []
  const folio: Awaited<ReturnType<typeof sampledProcess>>[] = []
  const editions: Record<string, number[]> = {html: [], pdf: [], epub: []}
  let pages: number | undefined
  let epub: string | undefined
  let failure: string | undefined
  for (let run = 0; run < longRuns; run++) {
    progress(`(g) run ${run + 1} of ${longRuns}: the bare print process`)
    const bareRun = await bareProcess(site, barePdf, found, true)
    bare.push(bareRun)
    progress(`(g) bare print: page loaded in ${ms(bareRun.loaded - bareRun.launched)}, printed in ${ms(bareRun.printed - bareRun.loaded)}; now folio build, all three editions`)
    rmSync(out, {recursive: true, force: true})
    const run_ = await sampledProcess(process.execPath, ['build/folio.js', 'build', folder, '--out', out], {env: defaultEnvironment()})
    if (run_.status !== 0) {
      failure = `exit ${run_.status}: ${run_.stderr.trim().split('\n').slice(-3).join(' ')}`
      progress(`(g) folio build failed: ${failure}`)
      folio.push(run_)
      break
    }
    folio.push(run_)
    const reportName = readdirSync(out).find((name) => name.endsWith('.report.json'))!
    const report = JSON.parse(readFileSync(path.join(out, reportName), 'utf8')) as {editions: Array<{format: string; file: string; milliseconds: number; pages?: number}>}
    for (const edition of report.editions) editions[edition.format]?.push(edition.milliseconds)
    pages = report.editions.find((edition) => edition.format === 'pdf')?.pages
    epub = path.resolve(project, report.editions.find((edition) => edition.format === 'epub')!.file)
    progress(`(g) folio build: ${ms(run_.milliseconds)}, PDF ${ms(editions.pdf!.at(-1)!)}, peak PSS ${mb(run_.peakPss)}`)
  }
  const barePrints = bare.map((run) => run.printed - run.launched)
  const pdfRatios = editions.pdf!.map((value, index) => value / barePrints[index]!)
  table(['measured', 'figure', 'target'])
  if (failure) say(`| \`folio build\`, all three editions | failed: ${failure.replace(/\|/g, '\\|')} | builds with default settings: ${verdict(false)} |`)
  else say(`| \`folio build\`, all three editions: wall | ${spread(folio.map((run) => run.milliseconds), ms)} | builds with default settings: ${verdict(true)} |`)
  say(`| … CPU time, all processes | ${spread(folio.map((run) => run.cpuMilliseconds), ms)} | |`)
  if (!failure) {
    say(`| … the PDF edition | ${spread(editions.pdf!, ms)} | |`)
    say(`| … the HTML edition / the EPUB edition | ${spread(editions.html!, ms)} / ${spread(editions.epub!, ms)} | |`)
  }
  say(`| bare print process: wall (browser up / page loaded / printed) | ${spread(bare.map((run) => run.milliseconds), ms)} (${ms(median(bare.map((run) => run.launched)))} / ${ms(median(bare.map((run) => run.loaded)))} / ${ms(median(bare.map((run) => run.printed)))}) | |`)
  say(`| bare print: page load and \`page.pdf()\` | ${spread(barePrints, ms)} | |`)
  if (!failure) {
    say(`| PDF edition / bare print | ${spread(pdfRatios, ratio)} | ≤ 1.50: ${verdict(median(pdfRatios) <= 1.5)} |`)
    say(`| \`folio build\` (all three) / bare print process | ${spread(folio.map((run, index) => run.milliseconds / bare[index]!.milliseconds), ratio)} | |`)
    say(`| pages: Folio's PDF / the bare print | ${pages?.toLocaleString('en') ?? '?'} / ${pagesOf(barePdf)?.toLocaleString('en') ?? '?'} | |`)
  }
  const peakPss = Math.max(...folio.map((run) => run.peakPss))
  say(`| peak memory of the build, all processes: PSS | ${spread(folio.map((run) => run.peakPss), mb)} | < 2 GB: ${verdict(peakPss < 2 * 1024 ** 3)} |`)
  say(`| … RSS | ${spread(folio.map((run) => run.peakRss), mb)} | |`)
  say(`| peak memory of the bare print, all processes: PSS / RSS | ${spread(bare.map((run) => run.peakPss), mb)} / ${spread(bare.map((run) => run.peakRss), mb)} | |`)
  if (epub) {
    progress('(g) EPUBCheck on its EPUB')
    const check = await runEpubcheck(epub)
    const clean = check.status === 'pass'
    say(`| EPUBCheck on its EPUB | ${check.status === 'skipped' ? `skipped: ${check.summary}` : check.summary} | 0 errors, 0 warnings: ${check.status === 'skipped' ? 'not run' : verdict(clean)} |`)
    if (!clean) for (const problem of check.problems.slice(0, 5)) progress(`(g) EPUBCheck: ${problem}`)
  }
}

await browser.close()
const loadAtEnd = os.loadavg()
const busy = Math.max(loadAtStart[0]!, loadAtEnd[0]!) > 0.5
lines.splice(
  loadLine,
  0,
  '',
  `Load average (1, 5, 15 min) at the start ${loadAtStart.map((value) => value.toFixed(2)).join(', ')}, at the end ${loadAtEnd.map((value) => value.toFixed(2)).join(', ')}` +
    `${busy ? ': **the machine was busy with other work; these figures are under load** and not comparable with an idle run.' : ': idle.'}`
)
writeFileSync(target, `${lines.join('\n')}\n`)
console.log(`\nWritten to ${path.relative(project, target).startsWith('..') ? target : path.relative(project, target)}`)
rmSync(scratch, {recursive: true, force: true})
