/**
 * Check the editions of a work that stand in an output folder: for each,
 * Folio's own checks and text fidelity against the Document, then the
 * outside checkers its descriptor names, when they are installed.
 */
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {blocksOf, checkFidelity} from '../check/fidelity.ts'
import {failed, type CheckResult, type EditionCheck} from '../check/results.ts'
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
    const results: CheckResult[] = [
      reading.result,
      checkFidelity(edition.format, blocks, reading.text, {cwd: options.cwd, ...(reading.losesShapedScripts ? {losesShapedScripts: true} : {})})
    ]
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
