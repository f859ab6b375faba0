/**
 * The progress of a build (output/progress.ts): live lines on a terminal,
 * plain lines in a log, nothing extra under --quiet.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {mkdtempSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {main} from '../build/cli/main.ts'
import {expectedPages, ProgressReporter} from '../build/output/progress.ts'

function recorder(isTTY: boolean, columns = 80) {
  const written: string[] = []
  return {output: {write: (text: string) => void written.push(text), isTTY, columns}, written}
}

/** What a terminal shows after the writes: the escape sequences the reporter uses, applied. */
function screen(written: string[]): string[] {
  const rows: string[] = []
  let cursor = 0
  for (const text of written) {
    let rest = text
    while (rest.length > 0) {
      const escape = /^\x1b\[(\d*)([FJ])/.exec(rest)
      if (escape) {
        if (escape[2] === 'F') cursor = Math.max(0, cursor - Number(escape[1] || 1))
        else rows.length = cursor
        rest = rest.slice(escape[0].length)
        continue
      }
      const newline = rest.indexOf('\n')
      const next = rest.indexOf('\x1b')
      const end = [newline, next].filter((index) => index >= 0).reduce((a, b) => Math.min(a, b), rest.length)
      rows[cursor] = (rows[cursor] ?? '') + rest.slice(0, end)
      rest = rest.slice(end)
      if (rest.startsWith('\n')) {
        cursor++
        rest = rest.slice(1)
      }
    }
  }
  return rows.slice(0, cursor)
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

test('on a terminal: one live line per edition, rewritten in place, and each edition\'s line when it is written', async () => {
  let now = 0
  const {output, written} = recorder(true)
  const progress = new ProgressReporter(output, {now: () => now, redrawEvery: 0})
  progress.event({kind: 'read', chapters: 100, of: 233})
  progress.event({kind: 'stage', edition: 'pdf', stage: 'printing'})
  progress.event({kind: 'stage', edition: 'epub', stage: 'writing chapters'})
  await tick()
  now = 45_000
  progress.event({kind: 'read', chapters: 233, of: 233})
  progress.event({kind: 'pages', edition: 'pdf', pages: 1200, of: 3400, part: 4, parts: 17})
  await tick()
  assert.deepEqual(screen(written), ['pdf       printing  1,200 of ~3,400 pages  part 4 of 17  45 s', 'epub      writing chapters  45 s'])
  progress.event({kind: 'done', edition: 'epub', line: 'epub      output/sotu.epub  3.1 MB  9120 ms'})
  await tick()
  assert.deepEqual(screen(written), ['epub      output/sotu.epub  3.1 MB  9120 ms', 'pdf       printing  1,200 of ~3,400 pages  part 4 of 17  45 s'])
  progress.event({kind: 'done', edition: 'pdf', line: 'pdf       output/sotu.pdf  40.2 MB  3400 pages  98000 ms'})
  progress.close()
  assert.deepEqual(screen(written), ['epub      output/sotu.epub  3.1 MB  9120 ms', 'pdf       output/sotu.pdf  40.2 MB  3400 pages  98000 ms'])
})

test('a live line longer than the terminal is cut to its width', async () => {
  const {output, written} = recorder(true, 60)
  const progress = new ProgressReporter(output, {now: () => 0, redrawEvery: 0})
  progress.event({kind: 'stage', edition: 'pdf', stage: `printing ${'a very long stage name '.repeat(5)}`})
  await tick()
  progress.close()
  assert.ok(written.join('').split('\n').every((line) => line.replace(/\x1b\[\d*[FJ]/g, '').length <= 59))
})

test('in a log: nothing about a quick edition; for a long one a line when it changes stage, and about its pages no more than every ten seconds', () => {
  let now = 0
  const {output, written} = recorder(false)
  const progress = new ProgressReporter(output, {now: () => now})
  progress.event({kind: 'read', chapters: 10, of: 233})
  progress.event({kind: 'stage', edition: 'html', stage: 'building'})
  progress.event({kind: 'stage', edition: 'pdf', stage: 'printing'})
  now += 900
  progress.event({kind: 'stage', edition: 'html', stage: 'built'})
  assert.equal(written.length, 0, 'a build that is quick prints nothing more than before')
  for (let part = 1; part <= 17; part++) {
    now += 3000
    progress.event({kind: 'pages', edition: 'pdf', pages: part * 200, part, parts: 17})
  }
  progress.event({kind: 'stage', edition: 'pdf', stage: 'finishing'})
  progress.event({kind: 'done', edition: 'pdf', line: 'pdf       output/sotu.pdf'})
  progress.close()
  assert.ok(written.every((text) => !text.includes('\x1b')), 'no escape sequences in a log')
  assert.equal(written[0], 'pdf       printing  800 pages  part 4 of 17  13 s\n')
  const pageLines = written.filter((text) => text.includes('pages'))
  assert.ok(pageLines.length >= 4 && pageLines.length <= 6, pageLines.join(''))
  assert.deepEqual(written.slice(-2), ['pdf       finishing  3,400 pages  52 s\n', 'pdf       output/sotu.pdf\n'])
})

test('folio build on a terminal shows its progress live and clears it before the lines that stay; --quiet shows none', async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'folio-progress-'))
  writeFileSync(path.join(folder, 'work.md'), '---\ntitle: A work\nlang: en\n---\n\n# One\n\nSome text.\n')
  const build = async (quiet: boolean) => {
    const {output, written} = recorder(true)
    const lines: string[] = []
    const code = await main(['build', 'work.md', '--format', 'html', ...(quiet ? ['--quiet'] : [])], {
      console: {out: (line) => lines.push(line), err: (line) => lines.push(line), color: false},
      cwd: folder,
      env: {},
      progress: output,
      signal: new AbortController().signal
    })
    return {code, written, lines}
  }
  const shown = await build(false)
  assert.equal(shown.code, 0)
  assert.match(shown.written.join(''), /html +(building|built)/, 'the edition\'s live line was drawn (an HTML page may be built before the first redraw)')
  assert.deepEqual(screen(shown.written), [], 'and cleared')
  assert.match(shown.lines.join('\n'), /^html +output\/work\.html/m)
  const quiet = await build(true)
  assert.equal(quiet.code, 0)
  assert.deepEqual(quiet.written, [])
})

test('folio watch on a terminal shows the same progress, cleared before its lines; --quiet shows none', async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'folio-progress-watch-'))
  writeFileSync(path.join(folder, 'work.md'), '---\ntitle: A work\nlang: en\n---\n\n# One\n\nSome text.\n')
  const watch = async (quiet: boolean) => {
    const {output, written} = recorder(true)
    const lines: string[] = []
    const stop = new AbortController()
    const code = await main(['watch', 'work.md', '--format', 'html', '--no-serve', ...(quiet ? ['--quiet'] : [])], {
      // Stopped (as by Ctrl-C) once it watches: the first build is what is looked at.
      console: {out: (line) => (lines.push(line), line.startsWith('Watching') && stop.abort()), err: (line) => lines.push(line), color: false},
      cwd: folder,
      env: {},
      progress: output,
      signal: stop.signal
    })
    return {code, written, lines}
  }
  const shown = await watch(false)
  assert.equal(shown.code, 0)
  assert.match(shown.written.join(''), /html +(building|built)/)
  assert.deepEqual(screen(shown.written), [], 'and cleared')
  assert.match(shown.lines.join('\n'), /^built html \d+ ms/m)
  const quiet = await watch(true)
  assert.equal(quiet.code, 0)
  assert.deepEqual(quiet.written, [])
})

test('under --quiet: only the lines of the editions written', async () => {
  const {output, written} = recorder(true)
  const progress = new ProgressReporter(output, {quiet: true, redrawEvery: 0})
  progress.event({kind: 'read', chapters: 1, of: 2})
  progress.event({kind: 'stage', edition: 'pdf', stage: 'printing'})
  progress.event({kind: 'pages', edition: 'pdf', pages: 10})
  await tick()
  progress.event({kind: 'done', edition: 'pdf', line: 'pdf       output/brief.pdf'})
  progress.close()
  assert.deepEqual(written, ['pdf       output/brief.pdf\n'])
})

test('the pages expected in all, from the words printed so far', () => {
  assert.equal(expectedPages(200, 100_000, 1_700_000), 3400)
  assert.equal(expectedPages(200, 0, 1_700_000), 200)
  assert.equal(expectedPages(3400, 1_700_000, 1_700_000), 3400)
})
