/**
 * An EPUB as reading systems show it, for people to look at: every finding
 * of build/check/reading-system.ts, one per line, and pictures of the first
 * pages of each spine document in each mode.
 *
 *   node --import tsx scripts/reading-system.ts output/book-grade.epub [--out DIR] [--pages N] [--modes day,night] [--sheet]
 *
 * `--out` (default: a folder beside the EPUB, `<name>.reading/`) gets one
 * PNG per page, `<document>-<mode>-<page>.png`; with `--sheet`, also one
 * `<document>.png` per document: a column for each mode, a row for each page.
 * Exits 1 when there is a finding.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {parseArgs} from 'node:util'
import sharp from 'sharp'
import {BrowserService} from '../build/browser/browser-service.ts'
import {describeFinding, readInReadingSystem, readingModes, type ReadingModeName, type ReadingScreenshot} from '../build/check/reading-system.ts'

const {values, positionals} = parseArgs({
  allowPositionals: true,
  options: {out: {type: 'string'}, pages: {type: 'string', default: '2'}, modes: {type: 'string'}, sheet: {type: 'boolean', default: false}}
})
const epub = positionals[0]
if (!epub) {
  console.error('usage: scripts/reading-system.ts BOOK.epub [--out DIR] [--pages N] [--modes day,night] [--sheet]')
  process.exit(2)
}
const modes = (values.modes?.split(',') ?? Object.keys(readingModes)) as ReadingModeName[]
const unknown = modes.filter((mode) => !(mode in readingModes))
if (unknown.length > 0) {
  console.error(`unknown mode ${unknown.join(', ')}; the modes are ${Object.keys(readingModes).join(', ')}`)
  process.exit(2)
}
const out = values.out ?? epub.replace(/\.epub$/, '') + '.reading'
mkdirSync(out, {recursive: true})

const browser = new BrowserService()
try {
  const report = await readInReadingSystem(new Uint8Array(readFileSync(epub)), {browser, modes, screenshots: Number(values.pages), name: path.basename(epub)})
  for (const document of report.documents) console.log(`${document.path}: ${modes.map((mode) => `${mode} ${document.pages[mode]} p.`).join(', ')}`)
  for (const finding of report.findings) console.log(describeFinding(finding))
  const fileName = (picture: ReadingScreenshot) => `${picture.document.replaceAll('/', '_')}-${picture.mode}-${picture.page}.png`
  for (const picture of report.screenshots) writeFileSync(path.join(out, fileName(picture)), picture.png)
  if (values.sheet) {
    for (const document of report.documents) {
      const pictures = report.screenshots.filter((picture) => picture.document === document.path)
      if (pictures.length === 0) continue
      const gap = 8
      const cell = {width: 375 + gap, height: 667 + gap}
      const rows = Math.max(...pictures.map((picture) => picture.page))
      await sharp({create: {width: modes.length * cell.width, height: rows * cell.height, channels: 3, background: '#808080'}})
        .composite(pictures.map((picture) => ({input: Buffer.from(picture.png), left: modes.indexOf(picture.mode) * cell.width, top: (picture.page - 1) * cell.height})))
        .png({palette: true})
        .toFile(path.join(out, `${document.path.replaceAll('/', '_')}.png`))
    }
  }
  console.log(`${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}; pictures in ${out}`)
  process.exitCode = report.findings.length > 0 ? 1 : 0
} finally {
  await browser.close()
}
