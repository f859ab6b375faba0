/**
 * `folio watch` as an editor uses it: the real command, real saves, the
 * real preview server and Chromium.
 */
import assert from 'node:assert/strict'
import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync, utimesSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {connect} from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {after, before, test} from 'node:test'
import {runWatch} from '../build/cli/watch-command.ts'
import {projectRoot, scratchFolder} from './harness.ts'

const project = scratchFolder('watch')
const source = path.join(project, 'brief.md')
const out = path.join(project, 'out')
const edition = (extension: string) => path.join(out, `brief.${extension}`)
const text = (words: string) => `---\ntitle: A Watched Brief\nlang: en\n---\n\n${words}\n\n## A heading\n\nMore text.\n`

let child: ChildProcess
let output = ''
let port = 0

/** Wait until the command has printed a line matching `pattern` after `from` characters of output. */
function waitFor(pattern: RegExp, from = 0, seconds = 30): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`)), seconds * 1000)
    const check = () => {
      const match = pattern.exec(output.slice(from))
      if (match) {
        clearTimeout(timer)
        child.stdout!.off('data', check)
        child.stderr!.off('data', check)
        resolve(match[0])
      }
    }
    child.stdout!.on('data', check)
    child.stderr!.on('data', check)
    check()
  })
}

function get(pathname: string): Promise<{status: number; headers: Record<string, string | string[] | undefined>; body: string}> {
  return new Promise((resolve, reject) => {
    request({host: '127.0.0.1', port, path: pathname}, (response) => {
      let body = ''
      response.setEncoding('latin1')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({status: response.statusCode ?? 0, headers: response.headers, body}))
    })
      .on('error', reject)
      .end()
  })
}

before(async () => {
  writeFileSync(source, text('The first words.'))
  child = spawn(process.execPath, [path.join(projectRoot, 'build', 'folio.js'), 'watch', 'brief.md', '--out', 'out', '--port', '0'], {
    cwd: project,
    env: {...process.env, NO_COLOR: '1'}
  })
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  port = Number(/Preview at http:\/\/127\.0\.0\.1:(\d+)\//.exec(await waitFor(/Preview at http:\/\/127\.0\.0\.1:\d+\//, 0, 60))![1])
  await waitFor(/^Watching /m)
})

after(() => {
  if (child.exitCode === null) child.kill('SIGKILL')
})

test('builds every edition first', () => {
  assert.match(output, /^built html \d+ ms, pdf \d+ ms, epub \d+ ms \(\d+ ms in all\)$/m)
  assert.match(readFileSync(edition('html'), 'utf8'), /The first words\./)
})

test('the preview server answers on loopback only, with the editions and nothing else', async () => {
  const index = await get('/')
  assert.equal(index.status, 200)
  assert.match(index.body, /A Watched Brief/)
  const html = await get('/brief.html')
  assert.match(html.body, /new EventSource\('\/__folio\/events'\)/)
  const pdf = await get('/brief.pdf')
  assert.equal(pdf.headers['content-type'], 'application/pdf')
  assert.match(String(pdf.headers['content-disposition']), /^inline/)
  const epub = await get('/brief.epub')
  assert.match(String(epub.headers['content-disposition']), /^attachment; filename="brief\.epub"/)
  for (const other of ['/brief.md', '/../brief.md', '/%2e%2e/etc/passwd', '/out/brief.html']) assert.equal((await get(other)).status, 404, other)
  const outside = Object.values(os.networkInterfaces()).flat().find((address) => address && !address.internal && address.family === 'IPv4')
  if (outside) {
    const reached = await new Promise<boolean>((resolve) => {
      const socket = connect({host: outside.address, port}, () => {
        socket.destroy()
        resolve(true)
      }).on('error', () => resolve(false))
    })
    assert.equal(reached, false, `not reachable on ${outside.address}`)
  }
})

test('a save rebuilds every edition and tells open pages to reload on the HTML, before the PDF is written', async () => {
  const events = await new Promise<import('node:http').IncomingMessage>((resolve) => request({host: '127.0.0.1', port, path: '/__folio/events'}, resolve).end())
  let stream = ''
  events.setEncoding('utf8')
  // Resolves once the server has said the PDF is written: no fixed wait.
  const pdfWritten = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event for the PDF; the stream had: ${stream}`)), 60_000)
    events.on('data', (chunk: string) => {
      stream += chunk
      if (/event: written\ndata: \{"slug":"brief","format":"pdf"\}/.test(stream)) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  const before = {pdf: readFileSync(edition('pdf')), epub: readFileSync(edition('epub'))}
  const from = output.length
  writeFileSync(source, text('The second words.'))
  await waitFor(/^rebuilt html \d+ ms, pdf \d+ ms, epub \d+ ms/m, from)
  assert.match(readFileSync(edition('html'), 'utf8'), /The second words\./)
  assert.notDeepEqual(readFileSync(edition('pdf')), before.pdf)
  assert.notDeepEqual(readFileSync(edition('epub')), before.epub)
  await pdfWritten
  // Pages reload once, on the HTML, which is announced before the PDF is written.
  const reload = stream.indexOf('event: rebuilt\ndata: "brief"')
  assert.ok(reload >= 0, stream)
  assert.ok(reload < stream.indexOf('event: written\ndata: {"slug":"brief","format":"pdf"}'), stream)
  assert.equal(stream.split('event: rebuilt').length - 1, 1, stream)
  events.destroy()
})

test('a broken save reports its position and keeps the last good editions; the next good save recovers', async () => {
  const good = {html: readFileSync(edition('html')), pdf: readFileSync(edition('pdf')), epub: readFileSync(edition('epub'))}
  let from = output.length
  writeFileSync(source, text('Broken.').replace('title: A Watched Brief', 'title: "A Watched Brief'))
  // The watch may read the file between its truncation and its text (a build of the empty file, then one once saves settle).
  await waitFor(/^brief\.md:2:8 +error +Front matter is not valid YAML: Missing closing "quote[^]*?not rebuilt: the last good editions are kept/m, from)
  assert.deepEqual(readFileSync(edition('html')), good.html)
  assert.deepEqual(readFileSync(edition('pdf')), good.pdf)
  assert.deepEqual(readFileSync(edition('epub')), good.epub)
  const page = await get('/brief.html')
  assert.match(page.body, /<pre id="folio-problems" role="alert"[^>]*>Build failed; this is the last good edition\.\n\nbrief\.md:2:8/)

  from = output.length
  writeFileSync(source, text('The third words.'))
  await waitFor(/^rebuilt html/m, from)
  assert.match(readFileSync(edition('html'), 'utf8'), /The third words\./)
  assert.doesNotMatch((await get('/brief.html')).body, /folio-problems" role/)
})

test('Ctrl-C closes the browser and the server and exits cleanly', async () => {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill('SIGINT')
  assert.equal(await exited, 0)
  await assert.rejects(get('/'), /ECONNREFUSED/)
})

/** `folio watch` in process, the HTML only, with saves taken to settle after `settle` ms. */
function watchInProcess(name: string, settle: number) {
  const folder = scratchFolder(name)
  const file = path.join(folder, 'brief.md')
  writeFileSync(file, text('The first words.'))
  const lines: string[] = []
  const controller = new AbortController()
  const console = {out: (line: string) => lines.push(line), err: (line: string) => lines.push(line), color: false}
  const done = runWatch({works: [file], out: path.join(folder, 'out'), cwd: folder, port: 0, serve: false, formats: ['html'], strict: false, settle}, console, controller.signal)
  const waitFor = async (pattern: RegExp, from: number, seconds = 30): Promise<void> => {
    for (let waited = 0; !lines.slice(from).some((line) => pattern.test(line)); waited += 20) {
      if (waited > seconds * 1000) throw new Error(`timed out waiting for ${pattern}; printed:\n${lines.join('\n')}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  const stop = async () => {
    controller.abort()
    assert.equal(await done, 0)
  }
  return {file, html: path.join(folder, 'out', 'brief.html'), lines, waitFor, stop}
}

test('a chapter saved while nothing builds is built at once, not once saves have settled', {timeout: 120_000}, async () => {
  // Saves settle only after ten minutes: the rebuild must not wait for that.
  const watcher = watchInProcess('watch-leading', 600_000)
  try {
    await watcher.waitFor(/^Watching /, 0)
    const from = watcher.lines.length
    writeFileSync(watcher.file, text('The second words.'))
    await watcher.waitFor(/^rebuilt html \d+ ms/, from)
    assert.match(readFileSync(watcher.html, 'utf8'), /The second words\./)
  } finally {
    await watcher.stop()
  }
})

test('a chapter built from a save that was not whole yet is built again once saves settle, though no event told of the rest', {timeout: 120_000}, async () => {
  const watcher = watchInProcess('watch-half-saved', 4000)
  // The second write keeps the first one's modification time, so that the watcher does not report it
  // (as it drops a write that comes within 50 ms of the one it reported).
  const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000)
  const write = (words: string, modified: Date) => {
    writeFileSync(watcher.file, text(words))
    utimesSync(watcher.file, new Date(modified.getTime() + 3_600_000), modified)
  }
  try {
    await watcher.waitFor(/^Watching /, 0)
    let from = watcher.lines.length
    write('The first half', minute)
    await watcher.waitFor(/^rebuilt html \d+ ms/, from)
    assert.match(readFileSync(watcher.html, 'utf8'), /The first half/)
    from = watcher.lines.length
    write('The first half and the second half.', minute)
    await watcher.waitFor(/^rebuilt html \d+ ms/, from)
    assert.match(readFileSync(watcher.html, 'utf8'), /The first half and the second half\./)
  } finally {
    await watcher.stop()
  }
})
