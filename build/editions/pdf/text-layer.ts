/**
 * The PDF's text layer made to read as the text does, in every tool. Chromium
 * writes the text of a glyph twice: once in the font's ToUnicode map, where
 * a glyph has one text only, and where that is not the text, again as an
 * ActualText span around the glyph (PDF 32000-1, 14.9.4). Poppler reads the
 * span; pdf.js and MuPDF read only the map. So:
 *
 * - a soft hyphen is drawn as a zero-width space glyph in a span saying
 *   U+00AD (pdf.js and MuPDF then split the word there, poppler keeps the
 *   U+00AD): the glyph and its span go. Where the line breaks there, the
 *   hyphen drawn after it stays, and joining the lines gives the word back.
 *   A ligature drawn across a soft hyphen (the ffi of "suf­fi­cient") has a
 *   span saying "f­fi" and no text in the map: it is mended like the others.
 * - a glyph shared by two characters is mapped to one of them (U+02BC for
 *   the apostrophe U+2019, U+02BB for U+2018): when every span around a
 *   glyph says the same, the map says it too and the spans go; when the
 *   glyph also stands for what the map says elsewhere, the spans' glyphs are
 *   drawn with a copy of the font whose map says what they are.
 *
 * Spans with white space (a no-break space) or around several glyphs other
 * than a soft hyphen's are kept as they are.
 */
import {LRUCache} from 'lru-cache'
import {codeDigest} from '../../project.ts'
import {PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFRef} from 'pdf-lib'
import {eachAtMost, editStream, flateStream, forgetDeflated, glyphCodes, hexText, scanTextOperations, streamKey, streamSource, streamSourceAside, textOperationsCode, type Operation} from './content-stream.ts'

interface Font {
  ref: PDFRef
  dict: PDFDict
  /** A Type 0 font with two-byte codes and a ToUnicode map: the kind Chromium writes, and the only kind mended. */
  mendable: boolean
  /** Code to text, from the font's ToUnicode map (two-byte codes). */
  map: Map<number, string>
  /** Texts the spans give each code. */
  spans: Map<number, Set<string>>
}

/** A content stream and what is to change in it. */
interface Canvas {
  ref: PDFRef
  stream: PDFRawStream
  resources: PDFDict
  /** Its name (`streamKey`), and its text when this build read it. */
  key: string
  source?: string
  operations: Operation[]
  /** Each operation as written. */
  written: string[]
  /** How many times it draws each code alone (`<code> Tj`). */
  alone: Map<number, number>
  spans: Span[]
}

/** What the repair needs of a stream's text (`scan`): its ActualText spans, and how many times it draws each code alone. */
export interface StreamScan {
  spans: ScannedSpan[]
  alone: Map<number, number>
}

/** An ActualText span as read from a stream, before any font is looked at. */
interface ScannedSpan {
  /** The font chosen where it begins (resource name and size). */
  state: {name?: string; size?: string}
  operations: Operation[]
  written: string[]
  /** What it says; undefined when that cannot be read. */
  text: string | undefined
}

/**
 * Streams read by this process, by their names (`streamKey`): a rebuild
 * finds most pages as the last build printed them, and inflating and
 * reading every page's text again was most of the text layer's time (about
 * 100 ms of a warm 50x build). Entries counted as a size, not `max`, which
 * would set out arrays for all of them at once (line-breaking.ts's
 * `measuredBefore`).
 */
const scans = new LRUCache<string, StreamScan>({maxSize: 50_000, sizeCalculation: () => 1})

/** Scans kept by another process (`keepScans`), still being read: no stream is read before they are in `scans`. */
let keptArriving: Promise<unknown> = Promise.resolve()

/**
 * Take scans another process made (streams-kept.ts) as this one's own: a
 * build of a work built before then inflates and reads only the pages that
 * changed, as a watch rebuild does (the 50x work's pages were 150–250 ms
 * of its cold build's finishing). They must be from code that scans as this
 * one does (`scanCode`).
 */
export function keepScans(kept: Promise<Map<string, StreamScan> | undefined>): void {
  const taking = kept.then(
    (found) => {
      for (const [key, scanned] of found ?? []) if (!scans.has(key)) scans.set(key, scanned)
    },
    () => undefined
  )
  keptArriving = Promise.all([keptArriving, taking])
}

let scanCodeDigest: string | undefined

/**
 * What names the code that scans: a digest of the source of `scan` and of
 * what it reads with. Scans are kept between processes under it, so that
 * a change to any of them leaves the old scans unused.
 */
export function scanCode(): string {
  scanCodeDigest ??= codeDigest(scan, spanPattern, fontChoice, textOperationsCode)
  return scanCodeDigest
}

interface Span {
  begin: number
  end: number
  text: string
  /** Left as Chromium wrote it. */
  kept: boolean
  font?: Font
  /** The font's resource name and size where the glyph is drawn. */
  fontName?: string
  fontSize?: string
  /** Operations (by index) to drop: the soft hyphen's glyph. */
  drop: number[]
  /** The operation that draws the span's one glyph, and its code. */
  glyph?: {operation: number; code: number}
}

/** A content stream drawn on a page, and the resources it is drawn with. */
interface Drawn {
  ref: PDFRef
  stream: PDFRawStream
  resources: PDFDict
}

/** Every content stream of the pages, and of the forms they draw, in the order they are drawn. */
function drawnStreams(pdf: PDFDocument): Drawn[] {
  const drawn: Drawn[] = []
  const seen = new Set<string>()
  const visit = (contents: unknown, resources: PDFDict | undefined) => {
    if (!resources) return
    const refs = contents instanceof PDFArray ? contents.asArray() : [contents]
    for (const ref of refs) {
      if (!(ref instanceof PDFRef) || seen.has(ref.toString())) continue
      seen.add(ref.toString())
      const stream = pdf.context.lookup(ref)
      if (stream instanceof PDFRawStream) drawn.push({ref, stream, resources})
    }
    // Forms drawn on the page (an SVG image, for one) have streams and resources of their own.
    const objects = resources.lookupMaybe(PDFName.of('XObject'), PDFDict)
    for (const [, ref] of objects?.entries() ?? []) {
      const form = ref instanceof PDFRef ? pdf.context.lookup(ref) : undefined
      if (form instanceof PDFRawStream && form.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) {
        visit(ref, form.dict.lookupMaybe(PDFName.of('Resources'), PDFDict))
      }
    }
  }
  for (const page of pdf.getPages()) visit(page.node.get(PDFName.of('Contents')), page.node.Resources())
  return drawn
}

/** Streams' names (`streamKey`: a digest of all their bytes), worked out once. */
const keys = new WeakMap<PDFRawStream, string>()
const keyOf = (stream: PDFRawStream): string => {
  let key = keys.get(stream)
  if (key === undefined) keys.set(stream, (key = streamKey(stream)))
  return key
}

/** The texts of streams read and not yet edited (a stream edited is a new object: its old text goes with the old one). */
const texts = new WeakMap<PDFRawStream, string>()
/** The reading ahead of each PDF's streams (`readTextLayerAhead`), which its repair waits for. */
const readingAhead = new WeakMap<PDFDocument, Promise<void>>()

/** What a new process starts with: no stream read or deflated (for the tests). */
export function forgetTextLayer(): void {
  scans.clear()
  keptArriving = Promise.resolve()
  forgetDeflated()
}

/** Streams inflated on libuv's threads at once (it has four). */
const streamsAtOnce = 4

/**
 * Inflate and read every stream not read before (`scans`), at most
 * `streamsAtOnce` at a time on libuv's threads; the texts with spans are
 * kept for their edits.
 */
async function readStreams(streams: PDFRawStream[]): Promise<void> {
  await keptArriving
  const unread = streams.filter((stream) => !scans.has(keyOf(stream)) && !texts.has(stream))
  await eachAtMost(unread, streamsAtOnce, async (stream) => {
    const source = await streamSourceAside(stream)
    const scanned = scan(source)
    scans.set(keyOf(stream), scanned)
    if (scanned.spans.length > 0) texts.set(stream, source)
  })
}

/**
 * Read a printed PDF's streams while Node's thread would wait (the contents'
 * front pages being printed, contents-pages.ts): `repairTextLayer` finds
 * them read. Its inflating and reading were 150 ms of a 50x build's
 * finishing. Never fails: what it did not read, the repair reads.
 */
export function readTextLayerAhead(pdf: PDFDocument): void {
  readingAhead.set(
    pdf,
    readStreams(drawnStreams(pdf).map(({stream}) => stream)).catch(() => undefined)
  )
}

/** What a repair collects for the next process (streams-kept.ts). */
export interface TextLayerKept {
  /** The streams edited, by name (`editStream`). */
  edited: Map<string, Uint8Array>
  /** Every stream's scan, by its name (`streamKey`). */
  scans: Map<string, StreamScan>
}

/**
 * Repair the text layer of a PDF printed by Chromium (in place).
 *
 * @param kept Collects what the next process may keep.
 */
export async function repairTextLayer(pdf: PDFDocument, kept?: TextLayerKept): Promise<void> {
  await readingAhead.get(pdf)
  const fonts = new Map<string, Font>()
  const drawn = drawnStreams(pdf)
  await readStreams(drawn.map(({stream}) => stream))
  // Read in the order the pages draw them: fonts and their copies are numbered in that order.
  const canvases = drawn.map(({ref, stream, resources}) => read(pdf, ref, stream, resources, fonts, kept?.scans))

  // Is a code a span mends also drawn outside any span (its text is then the map's)? Counted by any font
  // (a code another font also draws counts as drawn plainly: a copy of the font is made where none was needed).
  const mended = new Set<number>()
  for (const font of fonts.values()) for (const code of font.spans.keys()) mended.add(code)
  const plain = new Set<number>()
  for (const code of mended) {
    let outside = 0
    for (const canvas of canvases) {
      outside += canvas.alone.get(code) ?? 0
      for (const operation of canvas.operations) if (operation.operator === 'Tj' && glyphCodes(operation.operands[0] ?? '')?.includes(code)) outside--
    }
    if (outside > 0) plain.add(code)
  }

  // A code whose spans all say one text, and which is never drawn plainly, takes that text in the map.
  const copies = new Map<string, {ref: PDFRef; name: string}>()
  const changed = new Set<Font>()
  for (const font of fonts.values()) {
    for (const [code, texts] of font.spans) {
      if (texts.size === 1 && !plain.has(code)) {
        font.map.set(code, [...texts][0]!)
        changed.add(font)
      }
    }
  }
  for (const font of changed) writeToUnicode(pdf, font.dict, font.map, true)

  const editing: Array<{canvas: Canvas; edits: Array<{start: number; end: number; text: string}>}> = []
  for (const canvas of canvases) {
    const edits: Array<{start: number; end: number; text: string}> = []
    for (const span of canvas.spans) {
      if (span.kept) continue
      const {operations} = canvas
      const remove = (index: number) => edits.push({start: operations[index]!.start, end: operations[index]!.end, text: ''})
      if (span.text === '') {
        // Nothing but a soft hyphen: its glyph and its span go.
        remove(span.begin)
        remove(span.end)
        for (const index of span.drop) remove(index)
        continue
      }
      if (!span.glyph || !span.font) continue
      const {font, glyph} = span
      for (const index of span.drop) remove(index)
      if (font.map.get(glyph.code) === span.text) {
        remove(span.begin)
        remove(span.end)
        continue
      }
      // The glyph stands for another text elsewhere: drawn with a copy of the font that says this one.
      const key = `${font.ref.toString()}:${glyph.code}:${span.text}`
      let copy = copies.get(key)
      if (!copy) {
        const map = new Map(font.map).set(glyph.code, span.text)
        const dict = font.dict.clone(pdf.context)
        writeToUnicode(pdf, dict, map, false)
        copy = {ref: pdf.context.register(dict), name: ''}
        copies.set(key, copy)
      }
      const fontDict = canvas.resources.lookup(PDFName.of('Font'), PDFDict)
      let name = [...fontDict.entries()].find(([, ref]) => ref === copy!.ref)?.[0].toString()
      if (!name) {
        let number = 1
        while (fontDict.has(PDFName.of(`${span.fontName!.slice(1)}-${number}`))) number++
        name = `${span.fontName}-${number}`
        fontDict.set(PDFName.of(name.slice(1)), copy.ref)
      }
      const operation = operations[glyph.operation]!
      const drawn = canvas.written[glyph.operation]!
      edits.push({start: operation.start, end: operation.end, text: `${name} ${span.fontSize} Tf ${drawn} ${span.fontName} ${span.fontSize} Tf`})
      remove(span.begin)
      remove(span.end)
    }
    if (edits.length > 0) editing.push({canvas, edits})
  }
  // Deflated on libuv's threads, four at a time, which leaves Node's thread to the other editions (the 50x work's
  // pages took 160 ms either way); a work built before finds most of them kept (streams-kept.ts).
  await eachAtMost(editing, streamsAtOnce, ({canvas, edits}) => editStream(pdf, canvas.ref, canvas.stream, canvas.key, edits, canvas.source, kept?.edited))
}

const spanPattern = /\/Span\s*<<\s*\/ActualText\s*<[0-9A-Fa-f\s]*>\s*>>\s*BDC[^]*?\bEMC\b/g
const fontChoice = /(\/[^\s/<>\[\]()%{}]+)\s+([-+.\d]+)\s+Tf$/

/** A stream's ActualText spans, and the codes it draws alone (`<code> Tj`, any case). */
function scan(source: string): StreamScan {
  const alone = new Map<number, number>()
  for (const match of source.matchAll(/<([0-9A-Fa-f]{4})>\s*Tj\b/g)) {
    const code = Number.parseInt(match[1]!, 16)
    alone.set(code, (alone.get(code) ?? 0) + 1)
  }
  const spans: ScannedSpan[] = []
  if (!source.includes('ActualText')) return {spans, alone}
  let state: {name?: string; size?: string} = {}
  for (const match of source.matchAll(spanPattern)) {
    // The font in use where the span begins: the last one chosen before it (Chromium chooses one in every text object).
    const at = source.lastIndexOf('Tf', match.index)
    const before = at === -1 ? null : fontChoice.exec(source.slice(Math.max(0, at - 120), at + 2))
    if (before) state = {name: before[1], size: before[2]}
    const operations = scanTextOperations(match[0]).map((operation) => ({...operation, start: operation.start + match.index, end: operation.end + match.index}))
    spans.push({state, operations, written: operations.map((operation) => source.slice(operation.start, operation.end)), text: hexText(/\/ActualText\s*(<[^>]*>)/.exec(match[0])![1]!)})
    // A font chosen inside the span holds after it.
    for (const operation of operations.slice(1, -1)) if (operation.operator === 'Tf') state = {name: operation.operands[0], size: operation.operands[1]}
  }
  return {spans, alone}
}

/** Read a content stream's ActualText spans (the rest of it is not read: it is kept as it is); `collect` gets its scan. */
function read(pdf: PDFDocument, ref: PDFRef, stream: PDFRawStream, resources: PDFDict, fonts: Map<string, Font>, collect?: Map<string, StreamScan>): Canvas {
  const key = keyOf(stream)
  let scanned = scans.get(key)
  let source = texts.get(stream)
  if (!scanned) {
    // Read by readStreams, unless the cache let it go since.
    source ??= streamSource(stream)
    scanned = scan(source)
    scans.set(key, scanned)
  }
  collect?.set(key, scanned)
  const canvas: Canvas = {ref, stream, resources, key, ...(source === undefined ? {} : {source}), operations: [], written: [], alone: scanned.alone, spans: []}
  if (scanned.spans.length === 0) return canvas
  const fontDict = resources.lookupMaybe(PDFName.of('Font'), PDFDict)
  const named = new Map<string, Font | undefined>()
  const fontOf = (name: string): Font | undefined => {
    if (named.has(name)) return named.get(name)
    const fontRef = fontDict?.get(PDFName.of(name.slice(1)))
    let font: Font | undefined
    if (fontRef instanceof PDFRef) {
      const fontKey = fontRef.toString()
      if (!fonts.has(fontKey)) fonts.set(fontKey, readFont(pdf, fontRef))
      font = fonts.get(fontKey)
    }
    named.set(name, font)
    return font
  }
  const {operations} = canvas
  for (const scannedSpan of scanned.spans) {
    let state = scannedSpan.state
    const first = operations.length
    operations.push(...scannedSpan.operations)
    canvas.written.push(...scannedSpan.written)
    const text = scannedSpan.text
    const span: Span = {begin: first, end: operations.length - 1, text: text ?? '', kept: text === undefined, drop: []}
    const glyphs: Array<{operation: number; codes: number[]; font?: Font; name?: string; size?: string}> = []
    for (let index = first + 1; index < operations.length - 1; index++) {
      const {operator, operands} = operations[index]!
      if (operator === 'Tf') state = {name: operands[0], size: operands[1]}
      else if (operator === 'BDC' || operator === 'BMC' || operator === 'EMC') span.kept = true
      else if (operator === 'Tj' || operator === 'text') {
        const codes = operator === 'Tj' ? glyphCodes(operands[0] ?? '') : undefined
        const font = state.name ? fontOf(state.name) : undefined
        glyphs.push({operation: index, codes: codes ?? [], font, ...state})
        // Not a run of two-byte glyphs: the span is left alone.
        if (!codes || !font?.mendable) span.kept = true
      }
    }
    settle(span, glyphs)
    canvas.spans.push(span)
  }
  return canvas
}

/** Decide what becomes of a span from the glyphs inside it. */
function settle(span: Span, glyphs: Array<{operation: number; codes: number[]; font?: Font; name?: string; size?: string}>): void {
  if (span.kept) return
  const soft = span.text.includes('\u00AD')
  span.text = span.text.replaceAll('\u00AD', '')
  if (soft) {
    // The soft hyphen's own glyph: one that reads as a space, where the text has none.
    for (const glyph of glyphs) {
      if (!/\s/.test(span.text) && glyph.codes.length > 0 && glyph.codes.every((code) => glyph.font?.map.get(code) === ' ')) span.drop.push(glyph.operation)
    }
  }
  if (span.text === '') return
  const left = glyphs.filter((glyph) => !span.drop.includes(glyph.operation))
  if (/^\s*$/.test(span.text) || left.length !== 1 || left[0]!.codes.length !== 1 || !left[0]!.font) {
    // Several glyphs (a shaped cluster), or white space: left to the tools that read spans, as Chromium wrote it.
    span.kept = true
    return
  }
  const [glyph] = left
  span.glyph = {operation: glyph!.operation, code: glyph!.codes[0]!}
  const font = glyph!.font!
  span.font = font
  span.fontName = glyph!.name
  span.fontSize = glyph!.size
  const texts = font.spans.get(span.glyph.code) ?? new Set<string>()
  texts.add(span.text)
  font.spans.set(span.glyph.code, texts)
}

/** A Type 0 font with two-byte codes and its ToUnicode map. */
function readFont(pdf: PDFDocument, ref: PDFRef): Font {
  const dict = pdf.context.lookup(ref, PDFDict)
  const map = new Map<number, string>()
  const mapObject = dict.lookup(PDFName.of('ToUnicode'))
  const toUnicode = mapObject instanceof PDFRawStream ? mapObject : undefined
  const identity = dict.get(PDFName.of('Encoding')) === PDFName.of('Identity-H')
  if (toUnicode && identity) {
    const cmap = streamSource(toUnicode)
    for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const [, code, text] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>/g)) map.set(Number.parseInt(code!, 16), utf16(text!))
    }
    for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const [, low, high, target] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])/g)) {
        const from = Number.parseInt(low!, 16)
        const to = Number.parseInt(high!, 16)
        if (target!.startsWith('[')) {
          const texts = [...target!.matchAll(/<([0-9A-Fa-f]*)>/g)].map((match) => utf16(match[1]!))
          for (let code = from; code <= to; code++) if (texts[code - from] !== undefined) map.set(code, texts[code - from]!)
        } else {
          const base = utf16(target!.slice(1, -1))
          for (let code = from; code <= to; code++) {
            map.set(code, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + code - from))
          }
        }
      }
    }
  }
  return {ref, dict, mendable: toUnicode !== undefined && identity, map, spans: new Map()}
}

function utf16(hex: string): string {
  const units: number[] = []
  for (let index = 0; index + 4 <= hex.length; index += 4) units.push(Number.parseInt(hex.slice(index, index + 4), 16))
  return String.fromCharCode(...units)
}

const hex4 = (value: number) => value.toString(16).toUpperCase().padStart(4, '0')

/**
 * Write a font's ToUnicode map anew (bfchar entries, a hundred to a block,
 * PDF 32000-1, 9.10.3), in place of the old one or, for a copy of a font,
 * as a new object.
 */
function writeToUnicode(pdf: PDFDocument, dict: PDFDict, map: Map<number, string>, inPlace: boolean): void {
  const entries = [...map].sort(([a], [b]) => a - b).map(([code, text]) => `<${hex4(code)}> <${[...text].map((character) => {
    const point = character.codePointAt(0)!
    return point > 0xffff ? hex4(0xd800 + ((point - 0x10000) >> 10)) + hex4(0xdc00 + ((point - 0x10000) & 0x3ff)) : hex4(point)
  }).join('')}>`)
  const blocks: string[] = []
  for (let index = 0; index < entries.length; index += 100) {
    const block = entries.slice(index, index + 100)
    blocks.push(`${block.length} beginbfchar\n${block.join('\n')}\nendbfchar`)
  }
  const cmap = [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end'
  ].join('\n')
  const stream = flateStream(pdf, cmap)
  const old = dict.get(PDFName.of('ToUnicode'))
  if (inPlace && old instanceof PDFRef) pdf.context.assign(old, stream)
  else dict.set(PDFName.of('ToUnicode'), pdf.context.register(stream))
}
