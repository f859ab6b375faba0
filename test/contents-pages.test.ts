/**
 * The front pages' print kept by the process that made it
 * (editions/pdf/contents-pages.ts): used again while the front pages and
 * what the page was served are the same, printed again when either
 * changes, and what it gives is what a print now would.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import type {Page} from 'puppeteer'
import {noting} from '../build/browser/virtual-origin.ts'
import type {ContentsEntry} from '../build/document/contents.ts'
import {forgetFrontPages, pageContent, printWithContents, type ContentsPrint} from '../build/editions/pdf/contents-pages.ts'
import {cacheWritesSettled} from '../build/write-whole.ts'
import {browser, scratchFolder} from './harness.ts'

const chapters = ['Alpha', 'Beta', 'Gamma']
const contents = chapters.map((title) => ({id: title.toLowerCase(), title, kind: 'chapter', children: []}) as unknown as ContentsEntry)

/** A work with a contents page; `title` is on the front page, `words` in the first chapter. */
function work(title: string, words: string): string {
  return `<!doctype html><html lang="en"><head><title>t</title><style>
@page { size: 120mm 160mm; margin: 15mm; @bottom-center { content: counter(page); } }
.toc { break-after: page; } .toc a { display: flex; } .toc-leader { flex: 1; } .toc-page { flex: none; inline-size: 2.2em; text-align: right; }
section { break-before: page; }
</style></head><body><h1>${title}</h1>
<nav class="toc"><ol>${chapters.map((name) => `<li><a href="#${name.toLowerCase()}"><span class="toc-title">${name}</span><span class="toc-leader"></span><span class="toc-page">00</span></a></li>`).join('')}</ol></nav>
<main>${chapters.map((name, index) => `<section><h2 id="${name.toLowerCase()}">${name}</h2><p>${index === 0 ? words : ''}</p>${'<p>Words of the chapter, enough of them to fill a page. </p>'.repeat(10 + index * 10)}</section>`).join('')}</main>
</body></html>`
}

async function printed(html: string, key: string, frontPagesFile?: string): Promise<{print: ContentsPrint; front: string}> {
  const site = (pathname: string) => (pathname === '/index.html' ? {contentType: 'text/html', body: html} : undefined)
  const print = (page: Page) => () => page.pdf({preferCSSPageSize: true, outline: true, tagged: true, timeout: 0})
  const result = await browser.run({site, description: 'a test print'}, (page) =>
    printWithContents({page, contents, print: print(page), frontPagesKey: () => key, ...(frontPagesFile ? {frontPagesFile} : {})})
  )
  assert.equal(result.method, 'spliced', result.reason)
  return {print: result, front: pageContent(result.pdf, result.pdf.getPages()[0]!.node)}
}

test('the front pages are printed again only when what they show or what the page was served changes', async () => {
  forgetFrontPages()
  const first = await printed(work('A work', 'First words.'), 'served: a')
  assert.equal(first.print.frontPrints, 1)
  assert.match(first.front, /Tj|TJ/, 'the contents page has text')

  // The text after the contents changed, the front pages not: the print kept is used, and it is the one a print now gives.
  const edited = work('A work', 'First words, and a few more.')
  const kept = await printed(edited, 'served: a')
  assert.equal(kept.print.frontPrints, 0)
  forgetFrontPages()
  const fresh = await printed(edited, 'served: a')
  assert.equal(fresh.print.frontPrints, 1)
  assert.equal(kept.front, fresh.front)

  // The title on the front page, or what the page was served: printed again.
  assert.equal((await printed(work('Another work', 'First words, and a few more.'), 'served: a')).print.frontPrints, 1)
  assert.equal((await printed(edited, 'served: b')).print.frontPrints, 1)
  assert.equal((await printed(edited, 'served: b')).print.frontPrints, 0)
})

test('the front pages\' print is kept for the next process, under the same key', async () => {
  const file = path.join(scratchFolder('front-pages-kept'), 'kept.v8')
  forgetFrontPages()
  const first = await printed(work('A work', 'First words.'), 'served: a', file)
  assert.equal(first.print.frontPrints, 1)
  await cacheWritesSettled()
  // A new process: nothing in memory, the file read.
  forgetFrontPages()
  const edited = work('A work', 'First words, and a few more.')
  const kept = await printed(edited, 'served: a', file)
  assert.equal(kept.print.frontPrints, 0)
  assert.equal(kept.front, first.front)
  forgetFrontPages()
  assert.equal((await printed(edited, 'served: b', file)).print.frontPrints, 1, 'another key: printed again')
  await cacheWritesSettled()
  forgetFrontPages()
  writeFileSync(file, readFileSync(file).subarray(0, 30))
  assert.equal((await printed(edited, 'served: b', file)).print.frontPrints, 1, 'a file cut short: printed again')
})

test('a site notes each resource it served with a digest of its body, but those it is told to leave out', () => {
  let font = new Uint8Array([1, 2, 3])
  const {site, served} = noting((pathname) => (pathname === '/index.html' ? {contentType: 'text/html', body: '<p>'} : pathname === '/fonts/a.woff2' ? {contentType: 'font/woff2', body: font} : undefined))
  site('/index.html')
  site('/fonts/a.woff2')
  site('/missing')
  const before = served(['/index.html'])
  assert.match(before, /^\/fonts\/a\.woff2 [0-9a-f]{64}$/)
  font = new Uint8Array([1, 2, 4])
  site('/fonts/a.woff2')
  assert.notEqual(served(['/index.html']), before, 'other bytes, another digest')
})
