/**
 * The preview server in process: it answers only a browser on this machine
 * that names it by a loopback name, only GET and HEAD, shows no path of
 * this machine, and its reload script works whatever the page holds.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {request} from 'node:http'
import path from 'node:path'
import {after, before, test} from 'node:test'
import {PreviewServer} from '../build/output/preview-server.ts'
import {scratchFolder} from './harness.ts'

const folder = scratchFolder('preview')
const server = new PreviewServer()
let port = 0

before(async () => {
  port = Number(new URL(await server.listen(0)).port)
  // An attribute holding `</body>`, as a manuscript's title="…" may: the serialiser leaves `<` in attributes as it is.
  writeFileSync(path.join(folder, 'brief.html'), '<!doctype html><html lang="en"><head><title>B</title></head><body><p title="</body>">Text</p></body></html>')
  server.update({slug: 'brief', title: 'Brief', editions: new Map([['html', path.join(folder, 'brief.html')], ['pdf', path.join(folder, 'gone', 'brief.pdf')]]), problems: []})
})
after(() => server.close())

function get(pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    request({host: '127.0.0.1', port, path: pathname, method, headers: {host: `127.0.0.1:${port}`, ...headers}}, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({status: response.statusCode ?? 0, body}))
    })
      .on('error', reject)
      .end()
  })
}

test('a Host that is not a loopback name with this port is refused (DNS rebinding)', async () => {
  assert.equal((await get('/brief.html', {host: 'rebound.example:' + port})).status, 421)
  assert.equal((await get('/__folio/events', {host: 'rebound.example'})).status, 421)
  assert.equal((await get('/brief.html', {host: '127.0.0.1:1'})).status, 421)
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) assert.equal((await get('/brief.html', {host})).status, 200, host)
})

test('an Origin other than this server is refused', async () => {
  assert.equal((await get('/brief.html', {origin: 'http://evil.example'})).status, 403)
  assert.equal((await get('/brief.html', {origin: `http://localhost:${port}`})).status, 200)
})

test('only GET and HEAD are answered', async () => {
  assert.equal((await get('/brief.html', {}, 'POST')).status, 405)
  assert.equal((await get('/brief.html', {}, 'DELETE')).status, 405)
  const head = await get('/brief.html', {}, 'HEAD')
  assert.equal(head.status, 200)
  assert.equal(head.body, '')
})

test('an edition that cannot be read shows no path of this machine', async () => {
  const broken = await get('/brief.pdf')
  assert.equal(broken.status, 500)
  assert.doesNotMatch(broken.body, /\/tmp|gone|ENOENT|\//)
  assert.equal((await get('/%E0%A4%A')).status, 404)
})

test('the reload script is part of the page, whatever the page holds', async () => {
  const page = (await get('/brief.html')).body
  assert.ok(page.includes('<p title="</body>">Text</p>'), 'the page is served as it is')
  assert.match(page, /<\/html><script>\n\(\(\) => \{\n  const source = new EventSource\('\/__folio\/events'\)[\s\S]*<\/script>$/)
})
