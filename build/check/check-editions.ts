/**
 * Check the editions of a work that stand in an output folder: for each,
 * Folio's own checks, text fidelity against the Document, and the outside
 * checkers that are installed.
 */
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import type {Document} from '../document/document.ts'
import {defaultPageSize, pageSizes, type PageSize} from '../document/page-sizes.ts'
import {editionFileName} from '../editions/edition.ts'
import {checkEpub} from './epub-check.ts'
import {blocksOf, checkFidelity} from './fidelity.ts'
import {checkHtml, htmlText, parseHtml} from './html-check.ts'
import {checkPdf} from './pdf-check.ts'
import {readPdf} from './pdf-text.ts'
import {failed, verdict, type CheckResult} from './results.ts'
import {runAce, runEpubcheck, runNu} from './tools.ts'

export interface CheckOptions {
  /** Folder the editions are in. */
  out: string
  /** Formats to check; undefined: every edition that exists. */
  formats?: string[]
  /** Page size the PDFs were built with (the command line's), else the manuscript's. */
  pageSize?: string
  /** Run EPUBCheck, the Nu checker and Ace when installed (off: Folio's own checks only). */
  tools?: boolean
}

export interface EditionCheck {
  format: string
  file: string
  results: CheckResult[]
  /** Pages, for a PDF. */
  pages?: number
}

const checkable = ['html', 'pdf', 'pdf-print', 'epub']

export async function checkEditions(document: Document, options: CheckOptions): Promise<EditionCheck[]> {
  const blocks = blocksOf(document)
  const pageSize = pageSizes[options.pageSize ?? document.layout.pageSize ?? defaultPageSize]!
  const checks: EditionCheck[] = []
  for (const format of options.formats ?? checkable) {
    const file = path.join(options.out, editionFileName(document, format))
    if (!existsSync(file)) {
      if (options.formats) checks.push({format, file, results: [failed(format, 'exists', [`${path.basename(file)} is not in ${options.out}: build it first`], 'not built')]})
      continue
    }
    const bytes = new Uint8Array(await readFile(file))
    const results: CheckResult[] = []
    let pages: number | undefined
    if (format === 'html') {
      const tree = parseHtml(new TextDecoder().decode(bytes))
      results.push(checkHtml(tree), checkFidelity(format, blocks, htmlText(tree)))
      if (options.tools !== false) results.push(await runNu(file))
    } else if (format === 'epub') {
      const reading = await checkEpub(bytes)
      results.push(reading.result, checkFidelity(format, blocks, reading.text))
      if (options.tools !== false) results.push(await runEpubcheck(file), await runAce(file))
    } else {
      const reading = await checkPdf(bytes, format, document, pageSize)
      pages = reading.pages
      results.push(reading.result, await checkPdfFidelity(format, blocks, bytes, pageSize, format === 'pdf-print'))
    }
    checks.push({format, file, results, ...(pages === undefined ? {} : {pages})})
  }
  return checks
}

/**
 * A PDF's text as each reader's tool reads it: every paragraph present, in
 * order, word for word.
 */
async function checkPdfFidelity(format: string, blocks: ReturnType<typeof blocksOf>, bytes: Uint8Array, pageSize: PageSize, printReady: boolean): Promise<CheckResult> {
  const {readings, missing} = await readPdf(bytes, pageSize, printReady)
  const results = readings.map((reading) => checkFidelity(format, blocks, reading.text, {tool: reading.tool, words: true}))
  const tools = readings.map((reading) => reading.tool)
  const summary = `${results[0]!.summary}, word for word in ${tools.slice(0, -1).join(', ')}${tools.length > 1 ? ' and ' : ''}${tools.at(-1)}${missing.length > 0 ? ` (not read with ${missing.join(', ')})` : ''}`
  if (results.every((result) => result.status === 'skipped')) return results[0]!
  return verdict(format, 'text fidelity', results.flatMap((result) => result.problems), summary)
}
