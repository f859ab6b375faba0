/**
 * `folio build --reproducible-check`: the work is built a second time, from
 * scratch (no cache), with the same options and SOURCE_DATE_EPOCH, and each
 * edition compared byte for byte with the one just written. The first
 * difference is named in the edition's own terms (check/differences.ts).
 */
import {readFile} from 'node:fs/promises'
import {failed, passed, type CheckResult} from './results.ts'

export interface Rebuilt {
  format: string
  /** The edition as written by the first build. */
  target: string
  /** The same edition built again. */
  bytes: Uint8Array
  /** Where two builds of this edition first differ. */
  difference: (first: Uint8Array, second: Uint8Array) => Promise<string>
}

export async function compareRebuilds(rebuilt: Rebuilt[]): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const edition of rebuilt) {
    const first = new Uint8Array(await readFile(edition.target))
    if (Buffer.compare(first, edition.bytes) === 0) {
      results.push(passed(edition.format, 'reproducible', `${edition.bytes.byteLength.toLocaleString('en')} bytes, identical`))
      continue
    }
    results.push(failed(edition.format, 'reproducible', [await edition.difference(first, edition.bytes)], 'the second build differs'))
  }
  return results
}
