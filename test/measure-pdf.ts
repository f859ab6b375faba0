/**
 * Not a test: `node --import tsx test/measure-pdf.ts FILE.pdf SOURCE.md|DIR [first words]`
 * prints, for one PDF, the measures of docs/decisions/0013-pdf-line-breaks-and-text-layer.md.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {tool} from './harness.ts'
import {measureLineBreaks, summarize, wordBoxes} from './line-breaks.ts'

const [file, sourcePath, firstWords = ''] = process.argv.slice(2) as [string, string, string?]
const source = statSync(sourcePath).isDirectory()
  ? readdirSync(sourcePath).filter((name) => name.endsWith('.md')).map((name) => readFileSync(path.join(sourcePath, name), 'utf8')).join('\n')
  : readFileSync(sourcePath, 'utf8')
const typeset = source.replace(/'/g, '’')
const report = measureLineBreaks(await wordBoxes(file), {source: typeset})
console.log(summarize(report))

const {getDocument} = await import('pdfjs-dist/legacy/build/pdf.mjs')
const pdf = await getDocument({data: new Uint8Array(readFileSync(file)), verbosity: 0}).promise
let pdfjs = ''
for (let number = 1; number <= pdf.numPages; number++) {
  const content = await (await pdf.getPage(number)).getTextContent()
  for (const item of content.items) if ('str' in item) pdfjs += item.str + (item.hasEOL ? '\n' : '')
  pdfjs += '\n'
}
const poppler = await tool('pdftotext', [file, '-'])
const mupdf = await tool('mutool', ['draw', '-q', '-F', 'txt', '-o', '-', file])
const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length
for (const [name, text] of [['pdftotext', poppler], ['mutool', mupdf], ['pdf.js', pdfjs]] as const) {
  console.log(
    `${name}: U+00AD ${count(text, /\u00AD/g)}, U+200B-D ${count(text, /[\u200B-\u200D]/g)}, U+2060 ${count(text, /\u2060/g)}, U+02BC ${count(text, /\u02BC/g)}, U+0000 ${count(text, /\u0000/g)}, U+FFFD ${count(text, /\uFFFD/g)}`
  )
}
console.log(`pdf.js page 1, first line: ${JSON.stringify(pdfjs.split('\n')[0])}`)
if (firstWords) console.log(`pdf.js first body line: ${JSON.stringify(pdfjs.split('\n').find((line) => line.startsWith(firstWords)))}`)
