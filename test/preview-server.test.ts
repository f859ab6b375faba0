/**
 * The preview server in process: it answers only a browser on this machine
 * that names it by a loopback name, only GET and HEAD, shows no path of
 * this machine, and its reload script works whatever the page holds. Its
 * index lists every work with its editions, and forgets a removed one.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {request} from 'node:http'
import path from 'node:path'
import {after, before, test} from 'node:test'
import {PreviewServer} from '../build/output/preview-server.ts'
import {browser, scratchFolder, visibleText} from './harness.ts'

const folder = scratchFolder('preview')
const server = new PreviewServer()
let port = 0

before(async () => {
  port = Number(new URL(await server.listen(0)).port)
  // An attribute holding `</body>`, as a manuscript's title="…" may: the serialiser leaves `<` in attributes as it is.
  writeFileSync(path.join(folder, 'brief.html'), '<!doctype html><html lang="en"><head><title>B</title></head><body><p title="</body>">Text</p></body></html>')
  server.update({
    slug: 'brief',
    title: 'Brief',
    name: 'brief.md',
    editions: [
      {format: 'html', file: path.join(folder, 'brief.html'), bytes: 120},
      {format: 'pdf', file: path.join(folder, 'gone', 'brief.pdf'), bytes: 54_210, pages: 12}
    ],
    problems: [],
    errors: 0,
    warnings: 0
  })
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

const builtAt = new Date('2026-12-01T12:00:07Z')

test('the index lists every work with its title, editions, sizes, pages, warnings and last build time', async () => {
  server.update({
    slug: 'annual-report',
    title: 'Annual Report <2026>',
    name: 'manuscript/annual-report',
    editions: [
      {format: 'html', file: path.join(folder, 'annual-report.html'), bytes: 48_300},
      {format: 'pdf', file: path.join(folder, 'annual-report.pdf'), bytes: 1_234_567, pages: 212},
      {format: 'epub', file: path.join(folder, 'annual-report.epub'), bytes: 812}
    ],
    problems: [],
    errors: 0,
    warnings: 2,
    words: 51_234,
    builtAt
  })
  const page = (await get('/')).body
  const text = visibleText(page)
  assert.match(text, /Annual Report <2026>/, 'the title, escaped in the page and shown as written')
  assert.ok(page.includes('Annual Report &#60;2026&#62;'))
  for (const file of ['annual-report.html', 'annual-report.pdf', 'annual-report.epub', 'brief.html', 'brief.pdf']) assert.ok(page.includes(`href="/${file}"`), file)
  assert.match(text, /PDF annual-report\.pdf 1\.23 MB 212 pages/)
  assert.match(text, /HTML annual-report\.html 48\.3 kB –/)
  assert.match(text, /EPUB annual-report\.epub 812 B/)
  assert.match(text, /PDF brief\.pdf 54\.2 kB 12 pages/)
  assert.match(text, /2 warnings/)
  assert.match(text, /51,234 words/)
  assert.ok(page.includes(`<time datetime="2026-12-01T12:00:07.000Z">`))
  assert.match(text, /Built \d\d:\d\d:07, 1 Dec 2026/)
  // Self-contained: nothing in the page names another site or file to load.
  assert.doesNotMatch(page, /<link|\bsrc=|url\(|@import|https?:\/\//)

  // As a reader sees it, in Chromium: a phone's width without sideways scrolling, light and dark.
  const refused: string[] = []
  const seen = await browser.run({description: 'showing the preview index', javaScript: false, refused, site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html', body: page} : undefined)}, async (tab) => {
    const looks: Array<{scheme: string; width: number; scrollWidth: number; background: string; color: string}> = []
    for (const scheme of ['light', 'dark']) {
      await tab.emulateMediaFeatures([{name: 'prefers-color-scheme', value: scheme}])
      for (const width of [375, 1280]) {
        await tab.setViewport({width, height: 800})
        looks.push({scheme, width, ...(await tab.evaluate(() => ({scrollWidth: document.documentElement.scrollWidth, background: getComputedStyle(document.body).backgroundColor, color: getComputedStyle(document.body).color})))})
      }
    }
    await tab.emulateMediaFeatures([])
    return looks
  })
  assert.deepEqual(refused, [], 'the page asks for nothing')
  for (const look of seen) assert.ok(look.scrollWidth <= look.width, `${look.scheme} at ${look.width} px is ${look.scrollWidth} px wide`)
  const [light, dark] = [seen.find((look) => look.scheme === 'light')!, seen.find((look) => look.scheme === 'dark')!]
  assert.notEqual(light.background, dark.background, 'dark mode has its own page colour')
  assert.notEqual(light.color, dark.color, 'and its own text colour')
})

test('a removed work leaves the index, and its editions are no longer served', async () => {
  writeFileSync(path.join(folder, 'annual-report.html'), '<!doctype html><title>A</title><p>A')
  assert.equal((await get('/annual-report.html')).status, 200)
  server.remove('annual-report')
  const page = (await get('/')).body
  assert.doesNotMatch(page, /Annual Report|annual-report/)
  assert.match(page, /Brief/, 'the other work stays')
  assert.equal((await get('/annual-report.html')).status, 404)
})
