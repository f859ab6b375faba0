/**
 * `folio build`: find the works, read and transform each into a Document,
 * build the requested editions in memory, then write them atomically. A work
 * with errors gets no new editions; its earlier ones stay as they were.
 */
import {existsSync} from 'node:fs'
import path from 'node:path'
import type {VFile} from 'vfile'
import type {VFileMessage} from 'vfile-message'
import type {WorkResult} from '../document/document.ts'
import {loadWork} from '../document/load-work.ts'
import {editionFileName, extensions, type Edition} from '../editions/edition.ts'
import {editions, optionalEditions} from '../editions/index.ts'
import {BrowserService} from '../browser/browser-service.ts'
import {FolioError, UsageError} from '../errors.ts'
import {hasErrors} from '../read/messages.ts'
import {findWorks} from '../read/discover-works.ts'
import {describeTally, formatMessages, formatSize, tally} from '../output/report.ts'
import {writeEdition} from '../output/write-edition.ts'

export interface BuildOptions {
  /** Works named on the command line; empty means every work in `manuscript/`. */
  works: string[]
  /** Output folder. */
  out: string
  /** Formats to build; undefined means all. */
  formats?: string[]
  /** Treat warnings as errors. */
  strict: boolean
  cwd: string
  /** From SOURCE_DATE_EPOCH. */
  sourceDateEpoch?: number
  /** Page size for the PDF editions, overriding the manuscripts'. */
  pageSize?: string
}

export interface Console {
  out: (line: string) => void
  err: (line: string) => void
  color: boolean
}

/** Returns the exit code: 0 built, 1 manuscript errors. Usage errors throw UsageError. */
export async function runBuild(options: BuildOptions, console: Console): Promise<number> {
  const started = performance.now()
  const chosen = chooseEditions(options.formats)
  const works = await findWorks(options.works, options.cwd)
  const outFolder = path.resolve(options.cwd, options.out)
  const printed = new Set<VFileMessage>()
  const allFiles: VFile[] = []
  const report = (files: VFile[]) => {
    for (const line of formatMessages(files, printed, options.cwd, console.color)) console.err(line)
  }

  const written: Array<{format: string; bytes: number}> = []
  let failedWorks = 0
  const browser = new BrowserService()
  const notBuilt = (name: string) => {
    failedWorks++
    console.err(`${name}: not built (fix the errors above; earlier editions are left as they were)`)
  }
  try {
    for (const work of works) {
      const result = await loadWork(work)
      allFiles.push(...result.files)
      if (options.strict) promoteWarnings(result.files)
      report(result.files)
      if (!result.document || hasErrors(result.files)) {
        notBuilt(work.name)
        continue
      }
      const built = await buildEditions(result, chosen, outFolder, options, browser)
      // Editions may report problems too (at the chapter's positions).
      if (options.strict) promoteWarnings(result.files)
      report(result.files)
      if (hasErrors(result.files)) {
        notBuilt(work.name)
        continue
      }
      for (const edition of built) {
        const target = await writeEdition(outFolder, edition.fileName, edition.bytes)
        written.push({format: edition.format, bytes: edition.bytes.byteLength})
        const size = formatSize(edition.bytes.byteLength)
        console.out(`${edition.format.padEnd(9)} ${path.relative(options.cwd, target)}  ${size}  ${Math.round(edition.milliseconds)} ms`)
      }
    }
  } finally {
    await browser.close()
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(2)
  const problems = describeTally(tally(allFiles))
  const editionCount = `${written.length} edition${written.length === 1 ? '' : 's'}`
  const workCount = `${works.length - failedWorks} of ${works.length} work${works.length === 1 ? '' : 's'}`
  console.out(`Built ${editionCount} (${workCount}) in ${seconds} s${problems ? `; ${problems}` : ''}`)
  return failedWorks > 0 ? 1 : 0
}

function chooseEditions(formats: string[] | undefined): Edition[] {
  if (!formats) return editions
  const all = [...editions, ...optionalEditions]
  const unknown = formats.filter((format) => !all.some((edition) => edition.format === format))
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown format ${unknown.map((format) => `\`${format}\``).join(', ')}: choose from ${all.map((edition) => edition.format).join(', ')}`
    )
  }
  return all.filter((edition) => formats.includes(edition.format))
}

interface BuiltEdition {
  format: string
  fileName: string
  bytes: Uint8Array
  milliseconds: number
}

async function buildEditions(
  result: WorkResult,
  chosen: Edition[],
  outFolder: string,
  options: BuildOptions,
  browser: BrowserService
): Promise<BuiltEdition[]> {
  const document = result.document!
  // Link to the editions built now, and to those an earlier build left beside this one.
  const siblings = Object.keys(extensions)
    .map((format) => ({format, fileName: editionFileName(document, format)}))
    .filter(
      (sibling) =>
        chosen.some((edition) => edition.format === sibling.format) || existsSync(path.join(outFolder, sibling.fileName))
    )
  // Built side by side: while Chromium prints, Node builds the other editions.
  return Promise.all(
    chosen.map(async (edition) => {
      const started = performance.now()
      try {
        const bytes = await edition.build({
          document,
          browser,
          siblings: siblings.filter((sibling) => sibling.format !== edition.format),
          ...(options.pageSize ? {pageSize: options.pageSize} : {}),
          ...(options.sourceDateEpoch === undefined ? {} : {sourceDateEpoch: options.sourceDateEpoch})
        })
        return {format: edition.format, fileName: editionFileName(document, edition.format), bytes, milliseconds: performance.now() - started}
      } catch (error) {
        if (error instanceof FolioError) throw error
        throw new FolioError(`The ${edition.format} edition of ${result.name} failed: ${(error as Error).message}`, {cause: error})
      }
    })
  )
}

function promoteWarnings(files: VFile[]): void {
  for (const file of files) for (const message of file.messages) message.fatal = true
}
