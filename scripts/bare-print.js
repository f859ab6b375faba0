/**
 * The bare print the benchmark measures Folio against (scripts/bench.ts):
 * a whole process that does nothing but what any Puppeteer script must to
 * print a page. It launches the same Chromium as Folio, with the same
 * arguments, loads the print page that Folio served (recorded by the bench
 * into SITE: index.html, the fonts and images, site.json) from the same
 * virtual origin, calls page.pdf() once with Folio's options, writes the
 * file and exits. Plain JavaScript, importing nothing of Folio's, so that
 * its start costs what a bare script's does.
 *
 *   node scripts/bare-print.js SITE OUT.pdf EXECUTABLE HEADLESS ARGS-AS-JSON
 *
 * Prints one JSON line: milliseconds to the browser up, the page loaded and
 * the print done (from the process's start), and any path it lacked.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import puppeteer from 'puppeteer'

const [site, out, executablePath, headlessArgument, argsJson] = process.argv.slice(2)
if (!site || !out || !executablePath) {
  console.error('usage: node scripts/bare-print.js SITE OUT.pdf EXECUTABLE [true|shell] [ARGS-AS-JSON]')
  process.exit(2)
}
/** Chromium's arguments besides Puppeteer's own: Folio's (build/browser/chromium-arguments.ts), passed by the bench. */
const args = argsJson ? JSON.parse(argsJson) : []
const origin = 'https://folio.invalid'
/** @type {Record<string, {file: string; contentType: string}>} */
const resources = JSON.parse(readFileSync(path.join(site, 'site.json'), 'utf8'))
const since = () => Math.round(performance.now())

const browser = await puppeteer.launch({
  executablePath,
  headless: headlessArgument === 'shell' ? 'shell' : true,
  pipe: true,
  protocolTimeout: 0,
  args
})
const launched = since()
const missing = []
try {
  const page = (await browser.pages())[0] ?? (await browser.newPage())
  await page.setJavaScriptEnabled(false)
  await page.setRequestInterception(true)
  page.on('request', (request) => {
    const url = new URL(request.url())
    const resource = url.origin === origin ? resources[decodeURIComponent(url.pathname)] : undefined
    if (!resource) {
      missing.push(url.pathname)
      request.respond({status: 404, contentType: 'text/plain', body: 'Not found'}).catch(() => undefined)
      return
    }
    request.respond({status: 200, contentType: resource.contentType, body: readFileSync(path.join(site, resource.file))}).catch(() => undefined)
  })
  await page.goto(`${origin}/index.html`, {waitUntil: 'load', timeout: 0})
  const loaded = since()
  const bytes = await page.pdf({preferCSSPageSize: true, printBackground: true, outline: true, tagged: true, timeout: 0})
  const printed = since()
  writeFileSync(out, bytes)
  console.log(JSON.stringify({launched, loaded, printed, bytes: bytes.byteLength, missing}))
} finally {
  await browser.close()
}
