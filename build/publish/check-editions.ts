/**
 * Check the editions of a work that stand in an output folder: for each,
 * Folio's own checks and text fidelity against the Document, then the
 * outside checkers its descriptor names, when they are installed.
 */
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {blocksOf, checkFidelity, type Block} from '../check/fidelity.ts'
import {failed, verdict, type CheckResult, type EditionCheck, type EditionReading} from '../check/results.ts'
import type {Document} from '../document/document.ts'
import type {EditionSettings} from '../document/settings.ts'
import {editionFileName, type EditionFormat} from '../editions/edition.ts'
import {editions as allEditions} from '../editions/index.ts'

export interface CheckOptions {
  /** Folder the editions are in. */
  out: string
  /** Editions to check; undefined: every edition that exists. */
  editions?: EditionFormat[]
  /** Run the outside checkers (EPUBCheck, the Nu checker, Ace) when installed; off: Folio's own checks only. */
  tools?: boolean
  /** Folder the messages' file names are relative to. */
  cwd: string
}

export async function checkEditions(document: Document, settings: EditionSettings, options: CheckOptions): Promise<EditionCheck[]> {
  const blocks = blocksOf(document)
  const checks: EditionCheck[] = []
  const validations: Array<Promise<void>> = []
  for (const edition of options.editions ?? allEditions) {
    const file = path.join(options.out, editionFileName(document, edition))
    if (!existsSync(file)) {
      if (options.editions) checks.push({format: edition.format, file, results: [failed(edition.format, 'exists', [`${path.basename(file)} is not in ${options.out}: build it first`], 'not built')]})
      continue
    }
    const reading = await edition.read(new Uint8Array(await readFile(file)), {document, settings})
    const results: CheckResult[] = [reading.result, fidelity(edition.format, blocks, reading, options.cwd)]
    // The outside checkers are separate processes (Java, Chromium): they run side by side.
    if (options.tools !== false) {
      const start = results.length
      edition.validators.forEach((validator, index) => {
        validations.push(validator(file).then((result) => void (results[start + index] = result)))
      })
    }
    checks.push({format: edition.format, file, results, ...(reading.pages === undefined ? {} : {pages: reading.pages})})
  }
  await Promise.all(validations)
  return checks
}

/**
 * Text fidelity of an edition; where its text is read by several readers'
 * tools (a PDF's), each reading is compared word for word.
 */
function fidelity(format: string, blocks: Block[], reading: EditionReading, cwd: string): CheckResult {
  const options = {cwd, ...(reading.losesShapedScripts ? {losesShapedScripts: true} : {})}
  if (!reading.readings) return checkFidelity(format, blocks, reading.text, options)
  const results = reading.readings.map(({tool, text}) => checkFidelity(format, blocks, text, {...options, tool, words: true}))
  if (results.every((result) => result.status === 'skipped')) return results[0]!
  const tools = reading.readings.map(({tool}) => tool)
  const missing = reading.unreadBy ?? []
  const summary = `${results[0]!.summary}, word for word in ${tools.slice(0, -1).join(', ')}${tools.length > 1 ? ' and ' : ''}${tools.at(-1)}${missing.length > 0 ? ` (not read with ${missing.join(', ')})` : ''}`
  return verdict(format, 'text fidelity', [...new Set(results.flatMap((result) => result.problems))], summary)
}
