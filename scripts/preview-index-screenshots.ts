/**
 * Pictures of the `folio watch` preview's index for the README: three works
 * (the brief, a folder of chapters, and one whose last build failed) on a
 * phone (375 px) and a desktop (1280 px), light and dark.
 *
 *   node --import tsx scripts/preview-index-screenshots.ts
 */
import {cpSync, mkdirSync, mkdtempSync} from 'node:fs'
import {request} from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {BrowserService} from '../build/browser/browser-service.ts'
import {main} from '../build/cli/main.ts'

const project = fileURLToPath(new URL('../', import.meta.url))
const images = path.join(project, 'docs', 'images')
const folder = mkdtempSync(path.join(os.tmpdir(), 'folio-preview-index-'))
const manuscript = path.join(folder, 'manuscript')
mkdirSync(manuscript, {recursive: true})
mkdirSync(images, {recursive: true})
cpSync(path.join(project, 'manuscript', 'winning-the-peace-in-ukraine.md'), path.join(manuscript, 'winning-the-peace-in-ukraine.md'))
cpSync(path.join(project, 'test', 'fixtures', 'book-grade'), path.join(manuscript, 'book-grade'), {recursive: true})
cpSync(path.join(project, 'test', 'fixtures', 'front-matter-unclosed-quote', 'input.md'), path.join(manuscript, 'draft.md'))

const printed: string[] = []
const browser = new BrowserService()
const stop = new AbortController()
const watching = main(['watch', 'manuscript', '--out', 'output', '--port', '0', '--quiet'], {
  console: {out: (line) => printed.push(line), err: (line) => printed.push(line), color: false},
  cwd: folder,
  env: {},
  browser,
  signal: stop.signal
})
try {
  while (!printed.some((line) => line.startsWith('Watching '))) {
    if (printed.some((line) => line.startsWith('folio: '))) throw new Error(printed.join('\n'))
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  const port = /Preview at http:\/\/127\.0\.0\.1:(\d+)\//.exec(printed.join('\n'))![1]
  const index = await new Promise<string>((resolve, reject) =>
    request({host: '127.0.0.1', port, path: '/'}, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve(body))
    })
      .on('error', reject)
      .end()
  )
  for (const width of [375, 1280]) {
    for (const scheme of ['light', 'dark'] as const) {
      await browser.run({description: 'a screenshot', site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html; charset=utf-8', body: index} : undefined)}, async (page) => {
        await page.setViewport({width, height: width < 600 ? 812 : 900})
        await page.emulateMediaFeatures([{name: 'prefers-color-scheme', value: scheme}])
        try {
          await page.screenshot({path: path.join(images, `preview-index-${width}-${scheme}.png`), fullPage: true})
        } finally {
          await page.emulateMediaFeatures([])
        }
      })
    }
  }
  console.log(`Pictures in ${path.relative(project, images)}/`)
} finally {
  stop.abort()
  await watching
  await browser.close()
}
