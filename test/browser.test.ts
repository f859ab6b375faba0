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
