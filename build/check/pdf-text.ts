/**
 * A PDF's running text as readers' tools read it: pdf.js (the viewer of
 * Firefox and of many web sites; always, in this process), poppler's
 * `pdftotext` and MuPDF's `mutool` (when installed). Each is read without
 * what stands in the top and bottom margins (running heads and folios), a
 * line a line; nothing is mended: a word split or altered by a tool stays so.
 */
import {execFile, spawnSync} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {bleed, type PageSize} from '../document/page-sizes.ts'

const run = promisify(execFile)
const points = (millimetres: number) => (millimetres / 25.4) * 72

export interface PdfReading {
  tool: 'pdf.js' | 'poppler' | 'MuPDF'
  text: string
}

export interface PdfReadings {
  readings: PdfReading[]
  /** Tools not installed, with how to add them. */
  missing: string[]
}

interface Band {
  /** Points from the page's top: text above is in the top margin. */
  top: number
  /** Points from the page's bottom: text below is in the bottom margin. */
  bottom: number
}

function band(pageSize: PageSize, printReady: boolean): Band {
  const extra = printReady ? points(bleed) : 0
  return {top: points(pageSize.margin.top) + extra - 2, bottom: points(pageSize.margin.bottom) + extra - 2}
}

const installed = new Map<string, boolean>()
function has(command: string): boolean {
  if (!installed.has(command)) installed.set(command, spawnSync(command, ['-v'], {stdio: 'ignore'}).error === undefined)
  return installed.get(command)!
}

/** Read a PDF with every tool there is. */
export async function readPdf(bytes: Uint8Array, pageSize: PageSize, printReady: boolean): Promise<PdfReadings> {
  const margins = band(pageSize, printReady)
  const readings: PdfReading[] = [{tool: 'pdf.js', text: await pdfjsText(bytes, margins)}]
  const missing: string[] = []
  const poppler = has('pdftotext')
  const mupdf = has('mutool')
  if (!poppler) missing.push('poppler (apt-get install poppler-utils)')
  if (!mupdf) missing.push('MuPDF (apt-get install mupdf-tools)')
  if (!poppler && !mupdf) return {readings, missing}
  const folder = await mkdtemp(path.join(os.tmpdir(), 'folio-pdf-text-'))
  try {
    const file = path.join(folder, 'edition.pdf')
    await writeFile(file, bytes)
    if (poppler) readings.push({tool: 'poppler', text: await popplerText(file, margins)})
    if (mupdf) readings.push({tool: 'MuPDF', text: await mupdfText(file, margins)})
  } finally {
    await rm(folder, {recursive: true, force: true})
  }
  return {readings, missing}
}

/** pdf.js's text items, as its viewer lays them out: an item's text, a line end where it says so. */
async function pdfjsText(bytes: Uint8Array, margins: Band): Promise<string> {
  const {getDocument} = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const pdf = await getDocument({data: bytes.slice(), disableFontFace: true, useSystemFonts: false, isEvalSupported: false, verbosity: 0}).promise
  const lines: string[] = []
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number)
    const height = page.view[3]!
    const content = await page.getTextContent()
    for (const item of content.items) {
      if (!('str' in item)) continue
      const y = item.transform[5] as number
      if (y > height - margins.top || y < margins.bottom) continue
      lines.push(item.hasEOL ? `${item.str}\n` : item.str)
    }
    lines.push('\n')
    page.cleanup()
  }
  await pdf.destroy()
  return lines.join('')
}

/**
 * poppler's `pdftotext -raw`: the text in the order it is drawn, lines as
 * they are set (its default mode also joins lines at a hyphen, and so
 * drops the hyphen of "cease-fire" at a line's end).
 */
async function popplerText(file: string, margins: Band): Promise<string> {
  const {stdout: info} = await run('pdfinfo', [file])
  const [, width, height] = /Page size:\s+([\d.]+) x ([\d.]+)/.exec(info) ?? []
  const crop = ['-x', '0', '-y', String(Math.floor(margins.top)), '-W', String(Math.ceil(Number(width ?? 2000))), '-H', String(Math.floor(Number(height ?? 3000) - margins.top - margins.bottom))]
  const {stdout} = await run('pdftotext', ['-raw', '-enc', 'UTF-8', '-r', '72', ...crop, file, '-'], {maxBuffer: 512 * 1024 * 1024})
  return stdout
}

const entities: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"}
const unescape = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) =>
    name.startsWith('#x') ? String.fromCodePoint(Number.parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (entities[name] ?? whole)
  )

/** MuPDF's structured text (what `mutool draw -F txt` prints), its lines in the page's text band. */
async function mupdfText(file: string, margins: Band): Promise<string> {
  const {stdout} = await run('mutool', ['draw', '-q', '-F', 'stext', '-o', '-', file], {maxBuffer: 1024 * 1024 * 1024})
  const lines: string[] = []
  for (const page of stdout.split('<page ').slice(1)) {
    const height = Number(/height="([\d.]+)"/.exec(page)?.[1] ?? 0)
    for (const line of page.split('<line ').slice(1)) {
      const box = /bbox="[\d.-]+ ([\d.-]+) [\d.-]+ ([\d.-]+)"/.exec(line)
      const baseline = Number(box?.[2] ?? 0)
      if (baseline < margins.top || baseline > height - margins.bottom) continue
      lines.push(unescape([...line.matchAll(/ c="([^"]*)"/g)].map((match) => match[1]!).join('')))
    }
    lines.push('')
  }
  return lines.join('\n')
}
