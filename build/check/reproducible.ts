/**
 * `folio build --reproducible-check`: the work is built a second time, from
 * scratch (no cache), with the same options and SOURCE_DATE_EPOCH, and each
 * edition compared byte for byte with the one just written. The first
 * difference is named: the file inside an EPUB, the line of an HTML page,
 * the place in a PDF.
 */
import {readFile} from 'node:fs/promises'
import {strFromU8, unzipSync} from 'fflate'
import {failed, passed, type CheckResult} from './results.ts'

export interface Rebuilt {
  format: string
  /** The edition as written by the first build. */
  target: string
  /** The same edition built again. */
  bytes: Uint8Array
}

export async function compareRebuilds(rebuilt: Rebuilt[]): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const edition of rebuilt) {
    const first = new Uint8Array(await readFile(edition.target))
    if (Buffer.compare(first, edition.bytes) === 0) {
      results.push(passed(edition.format, 'reproducible', `${edition.bytes.byteLength.toLocaleString('en')} bytes, identical`))
      continue
    }
    results.push(failed(edition.format, 'reproducible', [difference(edition.format, first, edition.bytes)], 'the second build differs'))
  }
  return results
}

function difference(format: string, first: Uint8Array, second: Uint8Array): string {
  if (format === 'epub') {
    const [a, b] = [unzipSync(first), unzipSync(second)]
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!a[name] || !b[name]) return `${name} is in one build only`
      if (Buffer.compare(a[name]!, b[name]!) !== 0) {
        return /\.(x?html|opf|ncx|css|xml)$/.test(name) ? `${name}: ${firstDifferentLine(strFromU8(a[name]!), strFromU8(b[name]!))}` : `${name} differs`
      }
    }
    return 'the same files, zipped differently (entry order, times or compression)'
  }
  if (format === 'html') return firstDifferentLine(new TextDecoder().decode(first), new TextDecoder().decode(second))
  let offset = 0
  while (offset < first.length && offset < second.length && first[offset] === second[offset]) offset++
  const around = (bytes: Uint8Array) => JSON.stringify(Buffer.from(bytes.subarray(Math.max(0, offset - 30), offset + 30)).toString('latin1'))
  return `byte ${offset}: ${around(first)} then ${around(second)}`
}

function firstDifferentLine(first: string, second: string): string {
  const [a, b] = [first.split('\n'), second.split('\n')]
  let line = 0
  while (line < a.length && line < b.length && a[line] === b[line]) line++
  const show = (text: string | undefined) => JSON.stringify((text ?? '(end)').slice(0, 100))
  return `line ${line + 1}: ${show(a[line])} then ${show(b[line])}`
}
