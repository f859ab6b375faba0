/**
 * The contents' page numbers with one full print (editions/pdf/contents-pages.ts):
 * the numbers printed with the front pages only and spliced in, right; and
 * a front page whose marked content differs is never spliced in.
 */
import assert from 'node:assert/strict'
import {deflateSync} from 'node:zlib'
import {test} from 'node:test'
import {PDFDocument, PDFName, PDFRawStream} from 'pdf-lib'
import type {ContentsEntry} from '../build/document/contents.ts'
import {fastLoad, markedContent, pageContent, printWithContents, spliceFrontPages} from '../build/editions/pdf/contents-pages.ts'
import {browser, pdfText} from './harness.ts'

const chapters = ['Alpha', 'Beta', 'Gamma', 'Delta']
const contents: ContentsEntry[] = chapters.map((title) => ({id: title.toLowerCase(), title, kind: 'chapter', children: []}) as unknown as ContentsEntry)
const html = `<!doctype html><html lang="en"><head><title>t</title><style>
@page { size: 120mm 160mm; margin: 15mm; @bottom-center { content: counter(page); } }
.toc { break-after: page; } .toc a { display: flex; } .toc-leader { flex: 1; } .toc-page { flex: none; inline-size: 2.2em; text-align: right; }
section { break-before: page; }
</style></head><body><h1>A work</h1>
<nav class="toc"><ol>${chapters.map((title) => `<li><a href="#${title.toLowerCase()}"><span class="toc-title">${title}</span><span class="toc-leader"></span><span class="toc-page">00</span></a></li>`).join('')}</ol></nav>
<main>${chapters.map((title, index) => `<section><h2 id="${title.toLowerCase()}">${title}</h2>${'<p>Words of the chapter, enough of them to fill a page or two. </p>'.repeat(8 + index * 12)}</section>`).join('')}</main>
</body></html>`
const site = (pathname: string) => (pathname === '/index.html' ? {contentType: 'text/html', body: html} : undefined)
const print = (page: import('puppeteer').Page) => () => page.pdf({preferCSSPageSize: true, outline: true, tagged: true, timeout: 0})

/** The numbers the contents page lists, and the pages the chapters open on. */
async function numbers(bytes: Uint8Array): Promise<{listed: number[]; opening: number[]}> {
  const pages = await pdfText(bytes)
  const opening = chapters.map((title) => pages.findIndex((text, index) => index > 0 && text.includes(title)) + 1)
  const listed = chapters.map((title) => Number(new RegExp(`${title}\\s*(\\d+)`).exec(pages[0]!)?.[1]))
  return {listed, opening}
}

test('one full print and one of the front pages; each number on the contents page is the page its chapter opens on', async () => {
  const printed = await browser.run({site, description: 'a test print'}, (page) => printWithContents({page, contents, print: print(page)}))
  assert.equal(printed.method, 'spliced', printed.reason)
  assert.deepEqual([printed.fullPrints, printed.frontPrints], [1, 1])
  const {listed, opening} = await numbers(await printed.pdf.save())
  assert.ok(opening[3]! > opening[0]! + 2, `chapters on several pages: ${opening.join(', ')}`)
  assert.deepEqual(listed, opening)
})

test('a number wider than its box: the whole work printed again, and the numbers right', async () => {
  const printed = await browser.run({site, description: 'a test print'}, (page) => printWithContents({page, contents, print: print(page), digits: 0}))
  assert.equal(printed.method, 'reprinted')
  assert.ok(printed.fullPrints >= 2)
  const {listed, opening} = await numbers(await printed.pdf.save())
  assert.deepEqual(listed, opening)
})

test('a front page tagged differently in the second print is not spliced in; a good splice stays', async () => {
  const bytes = await browser.run({site, description: 'a test print'}, (page) => print(page)())
  const pdf = await PDFDocument.load(bytes, fastLoad)
  const front = await PDFDocument.load(bytes, fastLoad)
  const page = front.getPages()[0]!.node
  const content = pageContent(front, page)
  assert.ok(markedContent(content).some((tag) => /^\w+:\d+$/.test(tag)), 'the page has marked content with MCIDs')
  const stream = (text: string) => front.context.register(PDFRawStream.of(front.context.obj({Filter: 'FlateDecode'}), deflateSync(Buffer.from(text, 'latin1'))))
  page.set(PDFName.of('Contents'), stream(`${content}\n`))
  assert.equal(spliceFrontPages(pdf, front, 2), undefined)
  assert.equal(pageContent(pdf, pdf.getPages()[0]!.node), `${content}\n`, 'spliced')
  page.set(PDFName.of('Contents'), stream(content.replace(/\/MCID (\d+)/, (_, number) => `/MCID ${Number(number) + 100}`)))
  assert.match(spliceFrontPages(pdf, front, 2) ?? '', /front page 1 is tagged differently/)
  assert.equal(pageContent(pdf, pdf.getPages()[0]!.node), `${content}\n`, 'the first, good splice stays')
})
