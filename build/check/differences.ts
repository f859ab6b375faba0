/**
 * Where two builds of an edition first differ, in the edition's own terms,
 * for `folio build --reproducible-check`: the line of a page, the file
 * inside an EPUB, the byte of a PDF.
 */
import {unzipSync} from 'fflate'

/** The first line that differs between two texts. */
export function textDifference(first: Uint8Array, second: Uint8Array): string {
  const [a, b] = [new TextDecoder().decode(first).split('\n'), new TextDecoder().decode(second).split('\n')]
  let line = 0
  while (line < a.length && line < b.length && a[line] === b[line]) line++
  const show = (text: string | undefined) => JSON.stringify((text ?? '(end)').slice(0, 100))
  return `line ${line + 1}: ${show(a[line])} then ${show(b[line])}`
}

/** The first entry of two zip containers that differs, and where inside it when it is text. */
export function zipDifference(first: Uint8Array, second: Uint8Array): string {
  const [a, b] = [unzipSync(first), unzipSync(second)]
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!a[name] || !b[name]) return `${name} is in one build only`
    if (Buffer.compare(a[name]!, b[name]!) !== 0) {
      return /\.(x?html|opf|ncx|css|xml)$/.test(name) ? `${name}: ${textDifference(a[name]!, b[name]!)}` : `${name} differs`
    }
  }
  return 'the same files, zipped differently (entry order, times or compression)'
}

/** The first byte that differs, with the bytes around it. */
export function byteDifference(first: Uint8Array, second: Uint8Array): string {
  let offset = 0
  while (offset < first.length && offset < second.length && first[offset] === second[offset]) offset++
  const around = (bytes: Uint8Array) => JSON.stringify(Buffer.from(bytes.subarray(Math.max(0, offset - 30), offset + 30)).toString('latin1'))
  return `byte ${offset}: ${around(first)} then ${around(second)}`
}

