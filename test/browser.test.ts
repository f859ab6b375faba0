/**
 * The shared browser with the real Chromium: the virtual origin answers only
 * what a job's site holds; a job that makes no progress is stopped with a
 * clear error, and one that keeps working is not, however long it takes.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {after, test} from 'node:test'
import {BrowserService} from '../build/browser/browser-service.ts'
import {BrowserStallError} from '../build/browser/stall-watch.ts'
import {pdfText} from './harness.ts'

const browser = new BrowserService({stallSeconds: 2})
after(() => browser.close())

test('starts only when a job needs it', () => {
  assert.equal(new BrowserService().started, false)
})

test('the page sees only its site: file://, remote and unknown paths are refused', async () => {
  const asked: string[] = []
  const page = `<!doctype html><html lang="en"><head><title>t</title>
    <link rel="stylesheet" href="https://example.com/remote.css"></head><body>
    <p>Served text.</p>
    <img src="file:///etc/hostname" alt="">
    <iframe src="file:///etc/passwd"></iframe>
    <iframe src="/../../etc/passwd"></iframe>
    <img src="https://example.com/tracker.png" alt="">
    <img src="/served.svg" alt="">
    </body></html>`
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
  const refused: string[] = []
  const text = await browser.run(
    {
      description: 'loading a test page',
      refused,
      site: (pathname) => {
        asked.push(pathname)
        if (pathname === '/index.html') return {contentType: 'text/html', body: page}
        if (pathname === '/served.svg') return {contentType: 'image/svg+xml', body: svg}
        return undefined
      }
    },
    async (tab) => (await pdfText(await tab.pdf())).join('\n')
  )
  assert.ok(refused.includes('https://example.com/remote.css'), 'a remote stylesheet is refused')
  assert.ok(refused.includes('https://example.com/tracker.png'), 'a remote image is refused')
  assert.ok(refused.every((url) => !url.startsWith('https://folio.invalid/')))
  assert.ok(asked.includes('/index.html') && asked.includes('/served.svg'))
  assert.ok(!asked.some((pathname) => pathname.includes('passwd') && pathname !== '/etc/passwd'), 'a path escaping the root is normalised by the URL, and only ever asked of the site')
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!
  assert.match(text, /Served text/, 'the page\'s own text is read back, so its absence below means something')
  assert.ok(!text.includes(passwd) && !text.includes('root:x:0'))
})

const smallPage = (pathname: string) => (pathname === '/index.html' ? {contentType: 'text/html', body: '<p>x</p>'} : undefined)

test('a job in which nothing happens is stopped, saying what it was doing and how to wait longer', async () => {
  await assert.rejects(
    browser.run({description: 'waiting for nothing', site: smallPage}, async (tab, progress) => {
      progress('waiting for an element')
      await tab.waitForSelector('#never-there')
    }),
    (error: Error) =>
      error instanceof BrowserStallError && /^Chromium did nothing for [2-9] s waiting for nothing \(waiting for an element\); set FOLIO_BROWSER_STALL/.test(error.message)
  )
})

test('a job that keeps Chromium working is not stopped, though it takes longer than the stall limit', async () => {
  const started = performance.now()
  const result = await browser.run({description: 'working hard', site: smallPage}, (tab) =>
    // Busy in the renderer for 4 s, twice the limit; Folio only waits.
    tab.evaluate(() => {
      const end = performance.now() + 4000
      let turns = 0
      while (performance.now() < end) turns++
      return turns > 0
    })
  )
  assert.equal(result, true)
  assert.ok(performance.now() - started >= 4000)
})

test('a kept page that was closed meanwhile is not given to the next job', async () => {
  const service = new BrowserService()
  try {
    let first: import('puppeteer').Page | undefined
    await service.run({description: 'keeping a page', site: smallPage}, async (tab) => {
      first = tab
    })
    // As the stall watch or a renderer's crash would leave it: closed, and still in the pool.
    await first!.close()
    const text = await service.run({description: 'printing on another page', site: smallPage}, async (tab) => {
      assert.notEqual(tab, first)
      return (await pdfText(await tab.pdf())).join('\n')
    })
    assert.match(text, /x/)
  } finally {
    await service.close()
  }
})

test('bodies reach the page byte for byte: text in UTF-8, bytes from a view into a larger buffer, a missing path as 404', async () => {
  const every = new Uint8Array(3 + 256 * 40)
  for (let at = 0; at < every.length; at++) every[at] = (at * 7 + 5) % 256
  // A view that does not start its buffer: the bytes served are the view's, not the buffer's.
  const bytes = every.subarray(3)
  const page = '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>t</title></head><body><p>Grüße — 日本語 ✓</p></body></html>'
  const answer = await browser.run(
    {
      description: 'reading served bodies back',
      javaScript: true,
      site: (pathname) =>
        pathname === '/index.html' ? {contentType: 'text/html; charset=utf-8', body: page} : pathname === '/bytes.bin' ? {contentType: 'application/octet-stream', body: bytes} : undefined
    },
    (tab) =>
      tab.evaluate(async () => {
        const served = await fetch('/bytes.bin')
        const missing = await fetch('/nothing-here')
        return {text: document.body.textContent, bytes: [...new Uint8Array(await served.arrayBuffer())], status: missing.status, length: served.headers.get('content-length')}
      })
  )
  assert.equal(answer.text, 'Grüße — 日本語 ✓')
  assert.deepEqual(answer.bytes, [...bytes])
  assert.equal(answer.length, String(bytes.byteLength))
  assert.equal(answer.status, 404)
})

test('a request is answered on its own DevTools session with the body made base64 by Node, else by Puppeteer', async () => {
  const {fulfil} = await import('../build/browser/virtual-origin.ts')
  const body = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]).subarray(2)
  const sent: Array<{method: string; params: {requestId: string; responseCode: number; body: string; responseHeaders: Array<{name: string; value: string}>}}> = []
  const responded: unknown[] = []
  const request = (own: object) => ({...own, respond: async (response: unknown) => void responded.push(response)}) as unknown as import('puppeteer').HTTPRequest
  await fulfil(request({client: {send: async (method: string, params: never) => void sent.push({method, params})}, _interceptionId: 'interception-7'}), 200, {contentType: 'image/png', body})
  assert.equal(responded.length, 0, 'Puppeteer\'s respond (its slow base64) is not used')
  assert.equal(sent[0]!.method, 'Fetch.fulfillRequest')
  assert.equal(sent[0]!.params.requestId, 'interception-7')
  assert.equal(sent[0]!.params.responseCode, 200)
  assert.equal(sent[0]!.params.body, Buffer.from([2, 250, 251, 252, 253, 254, 255]).toString('base64'))
  assert.deepEqual(sent[0]!.params.responseHeaders, [
    {name: 'content-type', value: 'image/png'},
    {name: 'content-length', value: '7'}
  ])
  // A Puppeteer without them: answered as before.
  await fulfil(request({}), 404, {contentType: 'text/plain', body: 'Not found'})
  assert.equal(sent.length, 1)
  assert.equal((responded[0] as {status: number}).status, 404)
})
