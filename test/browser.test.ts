/**
 * The shared browser with the real Chromium: the virtual origin answers only
 * what a job's site holds; time limits give a clear error.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {after, test} from 'node:test'
import {BrowserService} from '../build/browser/browser-service.ts'
import {BrowserTimeoutError} from '../build/browser/errors.ts'
import {pdfText} from './harness.ts'

const browser = new BrowserService({jobTimeout: 5})
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

test('a job that runs past its time limit says so, and how to allow more', async () => {
  await assert.rejects(
    browser.run({description: 'waiting for nothing', site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html', body: '<p>x</p>'} : undefined)}, (tab) =>
      tab.waitForSelector('#never-there')
    ),
    (error: Error) =>
      error instanceof BrowserTimeoutError && /took longer than 5 s waiting for nothing; set FOLIO_BROWSER_TIMEOUT/.test(error.message)
  )
})
