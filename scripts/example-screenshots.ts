/**
 * Pictures of the example institute's brief for docs/templates.md: the
 * PDF's first and last page (pdftoppm, 60 dpi), and the HTML page's top
 * and foot on a phone (375 px) and a desktop (1280 px), light and dark.
 *
 *   node --import tsx scripts/example-screenshots.ts
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, renameSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {BrowserService} from '../build/browser/browser-service.ts'
import {main} from '../build/cli/main.ts'

const project = fileURLToPath(new URL('../', import.meta.url))
const images = path.join(project, 'docs', 'images')
const out = mkdtempSync(path.join(os.tmpdir(), 'folio-screenshots-'))
const slug = 'winning-the-peace-in-ukraine'
mkdirSync(images, {recursive: true})

const browser = new BrowserService()
try {
  const code = await main(['build', path.join(project, 'examples', 'lindenfeld-institute', 'manuscript'), '--out', out, '--format', 'html,pdf'], {
    console: {out: (line) => console.log(line), err: (line) => console.error(line), color: false},
    cwd: project,
    env: {SOURCE_DATE_EPOCH: '1700000000'},
    browser,
    signal: new AbortController().signal
  })
  if (code !== 0) throw new Error(`the build failed (${code})`)

  const pdf = path.join(out, `${slug}.pdf`)
  const pages = Number(/^Pages:\s+(\d+)$/m.exec(execFileSync('pdfinfo', [pdf], {encoding: 'utf8'}))![1])
  for (const [page, name] of [[1, 'first'], [pages, 'last']] as const) {
    const stem = path.join(out, name)
    execFileSync('pdftoppm', ['-r', '60', '-png', '-singlefile', '-f', String(page), '-l', String(page), pdf, stem])
    renameSync(`${stem}.png`, path.join(images, `institute-pdf-${name}-page.png`))
  }

  const html = readFileSync(path.join(out, `${slug}.html`), 'utf8')
  for (const width of [375, 1280]) {
    for (const scheme of ['light', 'dark'] as const) {
      await browser.run({description: 'a screenshot', site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html; charset=utf-8', body: html} : undefined)}, async (page) => {
        await page.setViewport({width, height: width < 600 ? 812 : 900})
        await page.emulateMediaFeatures([{name: 'prefers-color-scheme', value: scheme}])
        try {
          await page.screenshot({path: path.join(images, `institute-html-${width}-${scheme}.png`)})
          const footer = await page.$('footer.colophon')
          await footer!.screenshot({path: path.join(images, `institute-html-${width}-${scheme}-footer.png`)})
        } finally {
          await page.emulateMediaFeatures([])
        }
      })
    }
  }
  console.log(`Pictures in ${path.relative(project, images)}/`)
} finally {
  await browser.close()
}
