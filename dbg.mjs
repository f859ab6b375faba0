import {getDocument} from 'pdfjs-dist/legacy/build/pdf.mjs'
import {readFileSync} from 'node:fs'
const data = new Uint8Array(readFileSync(process.argv[2]))
const t = performance.now()
const pdf = await getDocument({data, useSystemFonts: false, disableFontFace: true, verbosity: 0}).promise
for (let n = 1; n <= Math.min(pdf.numPages, 2); n++) {
  const page = await pdf.getPage(n)
  const view = page.view
  const content = await page.getTextContent()
  console.log('page', n, view, content.items.length)
  for (const item of content.items.slice(0, 12)) console.log(JSON.stringify(item.str), item.transform.map(Math.round).join(','), item.hasEOL)
}
console.log('ms', Math.round(performance.now() - t))
