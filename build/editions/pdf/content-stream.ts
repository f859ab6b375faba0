import {createHash} from 'node:crypto'
import {promisify} from 'node:util'
import {deflate, deflateSync, inflate, inflateSync} from 'node:zlib'
import {LRUCache} from 'lru-cache'
import {decodePDFRawStream, PDFName, type PDFDocument, type PDFRawStream, type PDFRef} from 'pdf-lib'

/**
 * A PDF content stream as a list of operations, each with the place of its
 * bytes, so that some can be rewritten and the rest kept byte for byte
 * (PDF 32000-1, 7.2 lexical conventions and 7.8.2 content streams). Only
 * what a content stream may hold is read: numbers, names, strings, arrays,
 * dictionaries and operators; a stream with an inline image is not read.
 */

export interface Operation {
  operator: string
  /** The operands, each as written. */
  operands: string[]
  /** Where the operation's first operand (or its operator) starts, and where its operator ends. */
  start: number
  end: number
}

const whiteSpace = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20])
const delimiters = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25])

/**
 * The operations of a content stream given as a latin1 string (one
 * character a byte), or undefined when it cannot be read safely.
 */
export function readOperations(source: string): Operation[] | undefined {
  const operations: Operation[] = []
  let operands: string[] = []
  let operandsStart = -1
  let depth = 0
  let compositeStart = -1
  let at = 0
  const length = source.length
  const push = (token: string, start: number) => {
    if (depth > 0) return
    if (operands.length === 0) operandsStart = start
    operands.push(token)
  }
  while (at < length) {
    const code = source.charCodeAt(at)
    if (whiteSpace.has(code)) {
      at++
      continue
    }
    const start = at
    if (code === 0x25) {
      // A comment, to the end of its line.
      while (at < length && source.charCodeAt(at) !== 0x0a && source.charCodeAt(at) !== 0x0d) at++
      continue
    }
    if (code === 0x2f) {
      at++
      while (at < length && !whiteSpace.has(source.charCodeAt(at)) && !delimiters.has(source.charCodeAt(at))) at++
      push(source.slice(start, at), start)
      continue
    }
    if (code === 0x28) {
      // A literal string: balanced parentheses, backslash escapes.
      let nesting = 0
      for (; at < length; at++) {
        const character = source.charCodeAt(at)
        if (character === 0x5c) at++
        else if (character === 0x28) nesting++
        else if (character === 0x29 && --nesting === 0) break
      }
      if (at >= length) return undefined
      at++
      push(source.slice(start, at), start)
      continue
    }
    if (code === 0x3c && source.charCodeAt(at + 1) !== 0x3c) {
      const close = source.indexOf('>', at)
      if (close === -1) return undefined
      at = close + 1
      push(source.slice(start, at), start)
      continue
    }
    if ((code === 0x3c && source.charCodeAt(at + 1) === 0x3c) || code === 0x5b) {
      // A dictionary or an array: one operand, read whole.
      if (depth === 0) compositeStart = start
      depth++
      at += code === 0x5b ? 1 : 2
      continue
    }
    if ((code === 0x3e && source.charCodeAt(at + 1) === 0x3e) || code === 0x5d) {
      at += code === 0x5d ? 1 : 2
      if (depth === 0) return undefined
      if (--depth === 0) push(source.slice(compositeStart, at), compositeStart)
      continue
    }
    if (delimiters.has(code)) return undefined
    while (at < length && !whiteSpace.has(source.charCodeAt(at)) && !delimiters.has(source.charCodeAt(at))) at++
    const token = source.slice(start, at)
    if (depth > 0) continue
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token) || token === 'true' || token === 'false' || token === 'null') {
      push(token, start)
      continue
    }
    // An inline image holds binary data that is not tokens.
    if (token === 'BI') return undefined
    operations.push({operator: token, operands, start: operands.length > 0 ? operandsStart : start, end: at})
    operands = []
  }
  return depth === 0 ? operations : undefined
}

const name = String.raw`\/[^\s/<>\[\]()%{}]+`
const textPattern = new RegExp(
  [
    String.raw`(${name})\s*(<<[^]*?>>)\s*BDC\b`,
    String.raw`${name}\s+${name}\s+BDC\b|${name}\s+BMC\b`,
    String.raw`\bEMC\b`,
    String.raw`(${name})\s+([-+.\d]+)\s+Tf\b`,
    String.raw`(<[0-9A-Fa-f\s]*>)\s*Tj\b`,
    String.raw`\((?:\\.|[^\\)])*\)\s*Tj\b|\]\s*TJ\b|\)\s*['"]`
  ].join('|'),
  'g'
)

/**
 * The operations of a content stream that mark content, choose a font and
 * show text, found by one regular expression (a hundred times faster than
 * reading every token, which the text layer does not need): `BDC`
 * (operands: tag and dictionary, when it has one), `BMC`, `EMC`, `Tf`
 * (name and size), `Tj` (a hex string), and `text` for any other way of
 * showing text.
 */
export function scanTextOperations(source: string): Operation[] {
  const operations: Operation[] = []
  for (const match of source.matchAll(textPattern)) {
    const [whole, tag, dict, font, size, glyphs] = match
    const start = match.index
    const end = start + whole.length
    if (dict !== undefined) operations.push({operator: 'BDC', operands: [tag!, dict], start, end})
    else if (whole.endsWith('BDC')) operations.push({operator: 'BDC', operands: [], start, end})
    else if (whole.endsWith('BMC')) operations.push({operator: 'BMC', operands: [], start, end})
    else if (whole === 'EMC') operations.push({operator: 'EMC', operands: [], start, end})
    else if (font !== undefined) operations.push({operator: 'Tf', operands: [font, size!], start, end})
    else if (glyphs !== undefined) operations.push({operator: 'Tj', operands: [glyphs], start, end})
    else operations.push({operator: 'text', operands: [], start, end})
  }
  return operations
}

/** The source of `scanTextOperations` and of what it reads with, for naming the code that scans (text-layer.ts). */
export const textOperationsCode = [scanTextOperations, textPattern, hexText].map(String).join('\n')

/** The text of a hex string operand (`<FEFF…>` UTF-16BE, else bytes as UTF-16BE code units). */
export function hexText(operand: string): string | undefined {
  const hex = operand.slice(1, -1).replace(/\s/g, '')
  if (!/^([0-9a-fA-F]{4})*$/.test(hex)) return undefined
  const units: number[] = []
  for (let index = 0; index < hex.length; index += 4) units.push(Number.parseInt(hex.slice(index, index + 4), 16))
  if (units[0] === 0xfeff) units.shift()
  return String.fromCharCode(...units)
}

/** The two-byte codes of a hex string operand (glyph ids under Identity-H). */
export function glyphCodes(operand: string): number[] | undefined {
  // One glyph, as Chromium draws them.
  if (operand.length === 6 && operand[0] === '<' && operand[5] === '>') {
    const code = Number.parseInt(operand.slice(1, 5), 16)
    if (!Number.isNaN(code)) return [code]
  }
  if (!operand.startsWith('<') || operand.startsWith('<<')) return undefined
  const hex = operand.slice(1, -1).replace(/\s/g, '')
  if (hex.length % 4 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined
  const codes: number[] = []
  for (let index = 0; index < hex.length; index += 4) codes.push(Number.parseInt(hex.slice(index, index + 4), 16))
  return codes
}

/**
 * A stream's bytes as a latin1 string (one character a byte). Flate is
 * undone by Node's zlib, twenty times faster than pdf-lib's own decoder,
 * which reads any other filter.
 */
export function streamSource(stream: PDFRawStream): string {
  return Buffer.from(isPlainFlate(stream) ? inflateSync(stream.contents) : decodePDFRawStream(stream).decode()).toString('latin1')
}

const inflating = promisify(inflate)
const deflating = promisify(deflate)
/**
 * Output buffers of 256 kB, not zlib's 16 kB: a page's text (80 kB on the
 * 50x work) comes back in one piece, not in five, each a turn of Node's
 * thread. The bytes are the same.
 */
const aside = {chunkSize: 256 * 1024}

/**
 * `streamSource`, inflated on one of libuv's threads: many streams read at
 * once are inflated on both cores, while Node's own thread goes on.
 */
export async function streamSourceAside(stream: PDFRawStream): Promise<string> {
  return isPlainFlate(stream) ? (await inflating(stream.contents, aside)).toString('latin1') : streamSource(stream)
}

function isPlainFlate(stream: PDFRawStream): boolean {
  return stream.dict.get(PDFName.of('Filter')) === PDFName.of('FlateDecode') && !stream.dict.has(PDFName.of('DecodeParms'))
}

/**
 * `work` done for every item, at most `limit` at a time: streams inflated
 * or deflated on libuv's threads (four), without holding every page's text
 * of a long book at once.
 */
export async function eachAtMost<Item>(items: Item[], limit: number, work: (item: Item) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++]!)
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
}

/** Put new contents (a latin1 string) in place of a stream, compressed by Node's zlib, its other entries kept. */
export function replaceStream(pdf: PDFDocument, ref: PDFRef, stream: PDFRawStream, source: string): void {
  pdf.context.assign(ref, flateStream(pdf, source, stream))
}

/** A new stream of `source` (latin1), compressed, with the entries of `model` but its filter and length. */
export function flateStream(pdf: PDFDocument, source: string, model?: PDFRawStream): PDFRawStream {
  return compressedStream(pdf, deflateKept(Buffer.from(source, 'latin1')), model)
}

/** A new stream of flate-compressed bytes, with the entries of `model` but its filter and length. */
function compressedStream(pdf: PDFDocument, compressed: Uint8Array, model?: PDFRawStream): PDFRawStream {
  const replacement = pdf.context.stream(compressed, {Filter: 'FlateDecode'})
  for (const [key, value] of model?.dict.entries() ?? []) {
    if (!['Filter', 'DecodeParms', 'Length'].includes(key.asString().slice(1))) replacement.dict.set(key, value)
  }
  return replacement
}

/** `source` with the byte ranges of `edits` replaced. */
export function applyEdits(source: string, edits: Array<{start: number; end: number; text: string}>): string {
  let text = ''
  let at = 0
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    text += source.slice(at, edit.start) + edit.text
    at = Math.max(at, edit.end)
  }
  return text + source.slice(at)
}

/**
 * Streams deflated by this process, by a digest of their text, the least
 * recently used going first. A watch rebuild after a one-word edit finds most
 * pages' streams as the last build left them, and deflating them all again
 * was a quarter of the 50x work's PDF rebuild. zlib's output depends only on
 * its input and level: a stream found here is the bytes deflating it gives.
 */
const deflated = new LRUCache<string, Uint8Array>({
  /**
   * What is kept at most, in compressed bytes: a work of a thousand pages or
   * so. A longer book's rebuild deflates its pages again, and a single build
   * holds no more than this beside its PDF.
   */
  maxSize: 16 * 1024 * 1024,
  sizeCalculation: (compressed) => Math.max(1, compressed.byteLength)
})

/** Forget every stream deflated (for the tests). */
export function forgetDeflated(): void {
  deflated.clear()
}

export function deflateKept(bytes: Buffer): Uint8Array {
  const key = createHash('sha256').update(bytes).digest('base64')
  let compressed = deflated.get(key)
  if (!compressed) {
    compressed = deflateSync(bytes)
    deflated.set(key, compressed)
  }
  return compressed
}

/**
 * What names a stream's text: a digest of its bytes as stored and of the
 * filters that decode them. The same name, the same `streamSource`.
 */
export function streamKey(stream: PDFRawStream): string {
  return createHash('sha256')
    .update(String(stream.dict.get(PDFName.of('Filter'))))
    .update('\n')
    .update(String(stream.dict.get(PDFName.of('DecodeParms'))))
    .update('\n')
    .update(stream.contents)
    .digest('base64')
}

/**
 * Put in place of a stream its text with `edits` made, compressed, its
 * other entries kept; `key` (`streamKey`) names its text. The result is
 * kept under the key and the edits: a rebuild that makes the same edits to
 * the same stream neither inflates it nor deflates it again. `edited`
 * collects what was put, by name, for the next process (streams-kept.ts).
 */
export async function editStream(
  pdf: PDFDocument,
  ref: PDFRef,
  stream: PDFRawStream,
  key: string,
  edits: Array<{start: number; end: number; text: string}>,
  source?: string,
  edited?: Map<string, Uint8Array>
): Promise<void> {
  const name = `edited ${createHash('sha256').update(key).update(JSON.stringify(edits)).digest('base64')}`
  let compressed = deflated.get(name)
  if (!compressed) {
    // On libuv's threads (the bytes are deflateSync's): Node's thread is left to the other editions meanwhile.
    compressed = await deflating(Buffer.from(applyEdits(source ?? (await streamSourceAside(stream)), edits), 'latin1'), aside)
    deflated.set(name, compressed)
  }
  edited?.set(name, compressed)
  pdf.context.assign(ref, compressedStream(pdf, compressed, stream))
}

/** An edited stream deflated by another process (streams-kept.ts), under its name (`editStream`). */
export function keepEdited(name: string, compressed: Uint8Array): void {
  if (name.startsWith('edited ') && !deflated.has(name)) deflated.set(name, compressed)
}
