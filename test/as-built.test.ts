/**
 * Watch mode's way of publishing, in process with the file's one browser:
 * each edition written as soon as it is built, the HTML before the PDF, and
 * a stale PDF print stopped by a newer save and never written; and in any
 * build, the PDF's page prepared and loading before the other editions begin.
 */
import assert from 'node:assert/strict'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import type {ProgressEvent} from '../build/output/progress.ts'
import {keptStreamsFile} from '../build/editions/pdf/streams-kept.ts'
import {PublishingSession} from '../build/publish/session.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {writeEditions} from '../build/write-whole.ts'
import {browser, scratchFolder, tool} from './harness.ts'

const text = (words: string) => `---\ntitle: A Watched Brief\nlang: en\n---\n\n${words}\n\n## A heading\n\nMore text.\n`

/** A work in a scratch folder, built once the ordinary way (all or none), and a session that watches it. */
async function watchedWork(name: string, formats = ['html', 'pdf']) {
  const folder = scratchFolder(name)
  const source = path.join(folder, 'brief.md')
  const out = path.join(folder, 'out')
  writeFileSync(source, text('The first words.'))
  let onProgress: ((event: ProgressEvent) => void) | undefined
  const session = new PublishingSession({out, cwd: folder, strict: false, formats, sourceDateEpoch: 0, onProgress: (event) => onProgress?.(event)}, browser)
  const [work] = await findWorks([source], folder)
  const first = await session.publish(work!)
  assert.equal(first.built, true)
  return {
    session,
    work: work!,
    source,
    pdf: path.join(out, 'brief.pdf'),
    html: path.join(out, 'brief.html'),
    listen: (handler: (event: ProgressEvent) => void) => (onProgress = handler)
  }
}

const pdfText = async (file: string) => (await tool('pdftotext', [file, '-'])).replace(/\s+/g, ' ')

test('a set of editions is announced once every file is in place, before the write (and its flush to the disk) is over', async () => {
  const folder = scratchFolder('as-built-placed')
  const page = path.join(folder, 'out', 'page.html')
  const image = path.join(folder, 'out', 'page.png')
  await writeEditions([{target: page, bytes: Buffer.from('old page')}])
  let finished = false
  const placed: Array<{written: boolean[]; page: string; image: string; finished: boolean}> = []
  const writing = writeEditions(
    [
      {target: page, bytes: Buffer.from('new page')},
      {target: image, bytes: Buffer.from('image')}
    ],
    {onPlaced: (written) => void placed.push({written, page: readFileSync(page, 'utf8'), image: readFileSync(image, 'utf8'), finished})}
  )
  const written = await writing.then((result) => ((finished = true), result))
  assert.deepEqual(placed, [{written: [true, true], page: 'new page', image: 'image', finished: false}])
  assert.deepEqual(written, [true, true])
  // Bytes already there: nothing is written, and the set is announced all the same.
  const again: boolean[][] = []
  await writeEditions([{target: page, bytes: Buffer.from('new page')}], {onPlaced: (flags) => void again.push(flags)})
  assert.deepEqual(again, [[false]])
})

test('after a save the HTML is written and announced before the PDF is written', async () => {
  const {session, work, source, pdf, html} = await watchedWork('as-built-order')
  const earlier = readFileSync(pdf)
  writeFileSync(source, text('The second words.'))
  const order: string[] = []
  let pdfWhenHtmlShown: Buffer | undefined
  const outcome = await session.publish(work, {
    asBuilt: true,
    onWritten: (edition) => {
      order.push(edition.format)
      if (edition.format === 'html') {
        assert.match(readFileSync(html, 'utf8'), /The second words\./)
        pdfWhenHtmlShown = readFileSync(pdf)
      }
    }
  })
  assert.equal(outcome.built, true)
  assert.deepEqual(order, ['html', 'pdf'])
  // When the preview is told of the new HTML, the PDF on disk is still the earlier one, whole.
  assert.ok(pdfWhenHtmlShown && Buffer.compare(pdfWhenHtmlShown, earlier) === 0, 'the PDF was rewritten before the HTML was announced')
  assert.match(await pdfText(pdf), /The second words\./)
})

test('the PDF starts building only once the HTML is written, so that its work does not hold up the preview', async () => {
  const {session, work, source, listen} = await watchedWork('as-built-lead')
  writeFileSync(source, text('The third words.'))
  const events: string[] = []
  listen((event) => {
    if (event.kind === 'stage' && event.stage === 'building') events.push(`${event.edition} building`)
  })
  const outcome = await session.publish(work, {asBuilt: true, onWritten: (edition) => void events.push(`${edition.format} written`)})
  assert.equal(outcome.built, true)
  assert.deepEqual(events, ['html building', 'html written', 'pdf building', 'pdf written'])
})

test('in watch mode the EPUB waits for the PDF\'s print, not its page, so that Node answers the page as it loads', async () => {
  const {session, work, source, listen} = await watchedWork('as-built-epub-after', ['html', 'pdf', 'epub'])
  writeFileSync(source, text('The fourth words.'))
  const events: string[] = []
  listen((event) => {
    if (event.kind === 'stage' && (event.stage === 'building' || (event.edition === 'pdf' && ['setting the lines', 'printing'].includes(event.stage)))) events.push(`${event.edition} ${event.stage}`)
  })
  const outcome = await session.publish(work, {asBuilt: true})
  assert.equal(outcome.built, true)
  assert.deepEqual(events, ['html building', 'pdf building', 'pdf setting the lines', 'pdf printing', 'epub building'])
})

test('a newer save stops a stale PDF print, which is never written; the PDF that follows is the newer save\'s', async () => {
  const {session, work, source, pdf, listen} = await watchedWork('as-built-cancel')
  const earlier = readFileSync(pdf)
  writeFileSync(source, text('The stale words.'))
  const stale = new AbortController()
  const stages: string[] = []
  // The newer save comes while Chromium prints the stale PDF.
  listen((event) => {
    if (event.kind !== 'stage' || event.edition !== 'pdf') return
    stages.push(event.stage)
    if (event.stage === 'printing' && !stale.signal.aborted) {
      writeFileSync(source, text('The newer words.'))
      stale.abort()
    }
  })
  const written: string[] = []
  const stopped = await session.publish(work, {asBuilt: true, signal: stale.signal, onWritten: (edition) => void written.push(edition.format)})
  assert.equal(stopped.superseded, true)
  assert.ok(stages.includes('printing'), `the PDF got to ${stages.join(', ')}`)
  assert.ok(!stages.includes('built'), 'the stale print ran to its end')
  assert.ok(!written.includes('pdf'), `written: ${written.join(', ')}`)
  assert.deepEqual(readFileSync(pdf), earlier, 'the stale PDF was written')

  listen(() => undefined)
  // Not forced: the stopped build is not taken for a published one.
  const newer = await session.publish(work, {asBuilt: true, force: false, signal: new AbortController().signal})
  assert.equal(newer.built, true)
  assert.deepEqual(newer.editions.map((edition) => edition.format), ['html', 'pdf'])
  const words = await pdfText(pdf)
  assert.match(words, /The newer words\./)
  assert.doesNotMatch(words, /stale/)
  // The session's browser serves the next job after a stopped one.
  assert.ok(browser.started)
})

test('a build of every edition prepares the PDF\'s page first: the others begin once it is loading in the browser', async () => {
  const folder = scratchFolder('pdf-page-first')
  const source = path.join(folder, 'brief.md')
  writeFileSync(source, text('Words for every edition.'))
  const events: string[] = []
  const session = new PublishingSession(
    {out: path.join(folder, 'out'), cwd: folder, strict: false, formats: ['html', 'pdf', 'epub'], sourceDateEpoch: 0, onProgress: (event) => void (event.kind === 'stage' && event.stage === 'building' && events.push(`${event.edition} begins`))},
    browser
  )
  // The shared browser, its jobs watched for the moment their page is asked to load.
  const run = browser.run.bind(browser)
  browser.run = (job, work) => run({...job, onLoading: () => (events.push('the print page loads'), job.onLoading?.())}, work)
  try {
    const [work] = await findWorks([source], folder)
    const outcome = await session.publish(work!)
    assert.equal(outcome.built, true)
  } finally {
    delete (browser as {run?: unknown}).run
  }
  assert.deepEqual(events.slice(0, 2), ['pdf begins', 'the print page loads'])
  assert.deepEqual(events.filter((event) => event !== 'the print page loads').slice(1).sort(), ['epub begins', 'html begins'])
})

test('a build\'s kept text layer is written once the build has ended, in a session that never waits for the command line\'s cache writes', async () => {
  const {work, pdf} = await watchedWork('kept-after-build', ['pdf'])
  const file = keptStreamsFile(await browser.identity(), `${work.root}\n${work.slug}\npdf`)
  assert.ok(existsSync(pdf))
  // The write begins after the build: its bytes are made then, and written by the thread pool.
  for (let waited = 0; !existsSync(file) && waited < 5000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25))
  assert.ok(existsSync(file), `the kept streams are in ${file}`)
})
