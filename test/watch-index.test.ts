/**
 * The preview's index as `folio watch` keeps it, in process with the file's
 * one browser: every work with its editions, sizes, pages and build time;
 * a work whose file is deleted leaves the index, and exactly the files its
 * last build wrote leave the output folder.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import path from 'node:path'
import {after, before, test} from 'node:test'
import {main} from '../build/cli/main.ts'
import {removeReportedEditions} from '../build/output/build-report.ts'
import {formatSize} from '../build/output/report.ts'
import {browser, scratchFolder, visibleText} from './harness.ts'

const project = scratchFolder('watch-index')
const manuscript = path.join(project, 'manuscript')
const out = path.join(project, 'out')
const work = (title: string) => `---\ntitle: ${title}\nlang: en\n---\n\nSome words of ${title}.\n\n## A heading\n\nMore text.\n`

const lines: string[] = []
const waiters: Array<() => void> = []
const stop = new AbortController()
let watching: Promise<number>
let port = 0

/** The first line printed (from line `from` on) that matches `pattern`. */
function waitFor(pattern: RegExp, from = 0, seconds = 60): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; printed:\n${lines.join('\n')}`)), seconds * 1000)
    const check = (): boolean => {
      for (const line of lines.slice(from)) {
        const match = pattern.exec(line)
        if (match) {
          clearTimeout(timer)
          resolve(match)
          return true
        }
      }
      return false
    }
    if (!check()) waiters.push(() => void check())
  })
}

const print = (line: string) => {
  lines.push(line)
  for (const waiter of waiters) waiter()
}

function get(pathname: string): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    request({host: '127.0.0.1', port, path: pathname}, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({status: response.statusCode ?? 0, body}))
    })
      .on('error', reject)
      .end()
  })
}

before(async () => {
  mkdirSync(manuscript)
  mkdirSync(out)
  writeFileSync(path.join(manuscript, 'first.md'), work('The First Work'))
  writeFileSync(path.join(manuscript, 'second.md'), work('The Second Work'))
  // Files Folio did not write: a user's notes, and an EPUB of the same name that no build of this watch made.
  writeFileSync(path.join(out, 'notes.txt'), 'mine')
  writeFileSync(path.join(out, 'second.epub'), 'an EPUB the user put here')
  watching = main(['watch', 'manuscript', '--out', 'out', '--port', '0', '--format', 'html,pdf', '--quiet'], {
    console: {out: print, err: print, color: false},
    cwd: project,
    env: {},
    browser,
    signal: stop.signal
  })
  port = Number((await waitFor(/^Preview at http:\/\/127\.0\.0\.1:(\d+)\//))[1])
  await waitFor(/^Watching /)
})

after(async () => {
  stop.abort()
  await watching
})

test('the index lists each work with its editions, their sizes and pages, and when it was built', async () => {
  const page = (await get('/')).body
  const text = visibleText(page)
  for (const slug of ['first', 'second']) {
    const pdf = formatSize(statSync(path.join(out, `${slug}.pdf`)).size)
    const html = formatSize(statSync(path.join(out, `${slug}.html`)).size)
    assert.match(text, new RegExp(`HTML ${slug}\\.html ${html.replace('.', '\\.')} – PDF ${slug}\\.pdf ${pdf.replace('.', '\\.')} \\d+ pages?`), slug)
    assert.ok(page.includes(`href="/${slug}.pdf"`) && page.includes(`href="/${slug}.html"`))
  }
  assert.match(text, /The First Work manuscript\/first\.md Built \d\d:\d\d:\d\d, \d+ \w{3} \d{4} No warnings \d+ words/)
  assert.match(text, /The Second Work/)
  const times = [...page.matchAll(/<time datetime="([^"]+)">/g)].map((match) => Date.parse(match[1]!))
  assert.equal(times.length, 2)
  for (const time of times) assert.ok(Math.abs(Date.now() - time) < 10 * 60_000, `a build time of this run: ${new Date(time).toISOString()}`)
})

test('a deleted work leaves the index, and exactly the files its last build wrote leave the output folder', async () => {
  const from = lines.length
  rmSync(path.join(manuscript, 'second.md'))
  await waitFor(/no longer exists/, from)
  assert.deepEqual(lines.slice(from).filter((line) => /no longer exists/.test(line)), ['manuscript/second.md no longer exists: removed second.html, second.pdf, second.report.json from out/'])
  assert.deepEqual(readdirSync(out).sort(), ['first.html', 'first.pdf', 'first.report.json', 'notes.txt', 'second.epub'])
  const page = (await get('/')).body
  assert.doesNotMatch(page, /Second Work|second\.(html|pdf)/)
  assert.match(visibleText(page), /1 work · .*The First Work/)
  assert.equal((await get('/second.html')).status, 404)
  assert.equal((await get('/first.html')).status, 200)
})

test('a report is trusted only to name this work\'s editions in the output folder', async () => {
  const folder = scratchFolder('withdraw')
  mkdirSync(path.join(folder, 'out'))
  const keep = ['../outside.html', 'other.html', 'notes.txt', 'nested/third.pdf']
  writeFileSync(path.join(folder, 'outside.html'), 'x')
  writeFileSync(path.join(folder, 'out', 'other.html'), 'x')
  writeFileSync(path.join(folder, 'out', 'notes.txt'), 'x')
  writeFileSync(path.join(folder, 'out', 'third.html'), 'x')
  const editions = [...keep, 'third.html', 'third.epub'].map((file) => ({format: 'html', file, bytes: 1, milliseconds: 1}))
  writeFileSync(path.join(folder, 'out', 'third.report.json'), JSON.stringify({work: 'third.md', editions}))
  const removed = await removeReportedEditions(path.join(folder, 'out'), 'third')
  assert.deepEqual(removed.map((file) => path.basename(file)), ['third.html', 'third.report.json'], 'an edition already gone is no error')
  assert.deepEqual(readdirSync(path.join(folder, 'out')).sort(), ['notes.txt', 'other.html'])
  assert.ok(statSync(path.join(folder, 'outside.html')).isFile())
  assert.deepEqual(await removeReportedEditions(path.join(folder, 'out'), 'other'), [], 'without a report nothing is removed')
  assert.ok(statSync(path.join(folder, 'out', 'other.html')).isFile())
})
