/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The lines of the print page's paragraphs, read from Chromium's layout:
 * which soft hyphens end a line, which lines end in a hyphen, where each
 * line starts and how wide its word spaces came out. `inPage` runs inside
 * the page (whose own JavaScript stays off); it is sent there as source, so
 * it uses nothing from outside its own body, and it keeps its state under a
 * symbol, which no element's id can shadow.
 *
 * Soft hyphens are named by their ordinal among those in `main`, in
 * document order; paragraphs (the blocks that hold soft hyphens) by their
 * index in document order: the same in every printing of the same text.
 */

/** How a line ends. */
export type LineEnd = 'soft' | 'hard' | 'other'

export interface MeasuredLine {
  end: LineEnd
  /** For a line that ends at a soft hyphen: every soft hyphen of the word it breaks. */
  word?: number[]
  /** Where the line starts: a text node of the paragraph (by index) and a place in it, counted without soft hyphens. */
  start: [number, number]
  /** Where its last character ends, from the start of the paragraph's content box (CSS pixels, set flush). */
  right: number
}

/** What comes after a segment: where the line may break. */
export type Separator = 'space' | 'soft' | 'hard' | 'dash' | 'end'

/** A piece of text between two places a line may break. */
export interface Segment {
  start: [number, number]
  /** Where it starts on its line, from the start of the content box, set flush. */
  x: number
  line: number
  separator: Separator
  /** The soft hyphen after it (its ordinal), when the separator is one. */
  soft?: number
}

export interface MeasuredParagraph {
  /** Index among the paragraphs that hold soft hyphens. */
  index: number
  /** Font size of the paragraph, in CSS pixels: spaces compare within one size. */
  fontSize: number
  justified: boolean
  rtl: boolean
  /** Width of the content box. */
  width: number
  /** Natural width of a word space. */
  space?: number
  /** Width of the hyphen drawn at a soft hyphen taken. */
  hyphen?: number
  lines: MeasuredLine[]
  segments: Segment[]
  /** The soft hyphens a prune took out (on an entry of its own, index -1). */
  pruned?: number[]
}

/** A change to the page's text or style, made before a measurement. */
export interface LineBoxChange {
  /** Soft hyphens to take out, by ordinal. */
  remove?: number[]
  /** CSS `word-spacing` of a paragraph ('' for none). */
  spacing?: {index: number; value: string}
  /** Join a line's first word to the word before it: the space before `start` becomes a no-break space. */
  glue?: {index: number; start: [number, number]}
}

export interface LineBoxRequest {
  /** The width the page is laid out at: the page's content box when it is printed. */
  width?: number
  /** Made in order. */
  changes?: LineBoxChange[]
  /** Paragraphs to measure (by index); undefined: all. */
  measure?: number[]
  /** Undo the changes once measured: a setting tried out. */
  trial?: boolean
  /** Once measured, take out every soft hyphen that does not end a line (they are returned as a change). */
  prune?: boolean
  /** Put the page back as it is laid out for print. */
  done?: boolean
}

/** Runs in the page. Keeps its state on the page's global between calls. */
export function inPage(request: LineBoxRequest): MeasuredParagraph[] {
  interface State {
    paragraphs: Array<{element: HTMLElement; texts: Text[]}>
    /** Soft hyphen ordinals of each text node, in order. */
    softsOf: Map<Text, number[]>
    nodeOf: Map<number, Text>
  }
  const key = Symbol.for('folio.lineBoxes')
  const scope = globalThis as unknown as {[key]?: State}
  const root = document.documentElement
  if (request.done) {
    root.style.removeProperty('width')
    delete scope[key]
    return []
  }
  if (request.width !== undefined) root.style.setProperty('width', `${request.width}px`)

  let state = scope[key]
  if (!state) {
    state = {paragraphs: [], softsOf: new Map(), nodeOf: new Map()}
    const main = document.querySelector('main') ?? document.body
    const blockOf = (node: Node): Element => {
      let block = node.parentElement!
      while (block !== main && /^(inline|contents)/.test(getComputedStyle(block).display)) block = block.parentElement!
      return block
    }
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT)
    const texts = new Map<Element, Text[]>()
    const hasSoft = new Set<Element>()
    let ordinal = 0
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      const block = blockOf(node)
      const list = texts.get(block) ?? []
      if (list.length === 0) texts.set(block, list)
      list.push(node)
      const softs: number[] = []
      for (let at = node.data.indexOf('\u00AD'); at !== -1; at = node.data.indexOf('\u00AD', at + 1)) {
        state.nodeOf.set(ordinal, node)
        softs.push(ordinal++)
      }
      if (softs.length > 0) {
        state.softsOf.set(node, softs)
        hasSoft.add(block)
      }
    }
    // In document order: the order in which each block's first text came.
    for (const [block, list] of texts) if (hasSoft.has(block)) state.paragraphs.push({element: block as HTMLElement, texts: list})
    scope[key] = state
  }

  const undo: Array<() => void> = []
  for (const change of request.changes ?? []) {
    for (const ordinal of change.remove ?? []) {
      const node = state.nodeOf.get(ordinal)
      if (!node) continue
      const softs = state.softsOf.get(node)!
      const position = softs.indexOf(ordinal)
      let at = -1
      for (let seen = 0; seen <= position; seen++) at = node.data.indexOf('\u00AD', at + 1)
      node.deleteData(at, 1)
      softs.splice(position, 1)
      state.nodeOf.delete(ordinal)
      undo.push(() => {
        node.insertData(at, '\u00AD')
        softs.splice(position, 0, ordinal)
        state!.nodeOf.set(ordinal, node)
      })
    }
    if (change.spacing) {
      const element = state.paragraphs[change.spacing.index]?.element
      if (element) {
        const before = element.style.getPropertyValue('word-spacing')
        const set = (value: string) => (value ? element.style.setProperty('word-spacing', value) : element.style.removeProperty('word-spacing'))
        set(change.spacing.value)
        undo.push(() => set(before))
      }
    }
    if (change.glue) {
      const texts = state.paragraphs[change.glue.index]?.texts ?? []
      let [index, at] = change.glue.start
      // From a place counted without soft hyphens to the offset in the node.
      const counted = at
      at = 0
      for (let seen = 0; texts[index] && at < texts[index]!.data.length && (seen < counted || texts[index]!.data[at] === '\u00AD'); at++) {
        if (texts[index]!.data[at] !== '\u00AD') seen++
      }
      // The space before the line's start, in its node or at the end of an earlier one.
      at--
      while (index > 0 && at < 0) at = texts[--index]!.data.length - 1
      const node = texts[index]
      if (node && at >= 0 && node.data[at] === ' ') {
        node.replaceData(at, 1, '\u00A0')
        undo.push(() => node.replaceData(at, 1, ' '))
      }
    }
  }

  const range = document.createRange()
  const rectOf = (node: Text, at: number): DOMRect | undefined => {
    const code = node.data.charCodeAt(at)
    range.setStart(node, at)
    range.setEnd(node, at + (code >= 0xd800 && code < 0xdc00 ? 2 : 1))
    const rects = range.getClientRects()
    // A character right after a taken soft hyphen also reports the hyphen drawn at the line's end.
    return rects[rects.length - 1]
  }
  const results: MeasuredParagraph[] = []
  const wanted = request.measure ? new Set(request.measure) : undefined
  // Measured set flush to the start: the breaks are the same, the word spaces their natural width.
  const flush = document.createElement('style')
  flush.textContent = 'main, main * { text-align: start !important; text-align-last: auto !important; }'
  // How each is aligned when printed, read before.
  const justified = state.paragraphs.map((paragraph, index) => (!wanted || wanted.has(index)) && getComputedStyle(paragraph.element).textAlign === 'justify')
  if (!wanted || wanted.size > 0) document.head.append(flush)
  for (const [index, paragraph] of state.paragraphs.entries()) {
    if (wanted && !wanted.has(index)) continue
    const element = paragraph.element
    const style = getComputedStyle(element)
    const box = element.getBoundingClientRect()
    const left = box.left + Number.parseFloat(style.borderLeftWidth) + Number.parseFloat(style.paddingLeft)
    const width = box.width - Number.parseFloat(style.borderLeftWidth) - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.borderRightWidth) - Number.parseFloat(style.paddingRight)
    const measured: MeasuredParagraph = {
      index,
      fontSize: Number.parseFloat(style.fontSize),
      justified: justified[index]!,
      rtl: style.direction === 'rtl',
      width,
      lines: [],
      segments: []
    }
    const {lines, segments} = measured
    let lineTop = Number.NEGATIVE_INFINITY
    let lineHeight = 0
    let previous = ''
    let word: number[] = []
    // The last character drawn: where a line ends; the last soft hyphen; a space not yet known to be within a line.
    let last: {node: Text; at: number} | undefined
    let lastSoft: {node: Text; at: number} | undefined
    let pendingSpace: number | undefined
    let lastOrdinal = -1
    const endLine = () => {
      const line = lines.at(-1)
      if (!line || !last) return
      line.end = previous === '\u00AD' ? 'soft' : previous === '-' || previous === '\u2010' ? 'hard' : 'other'
      // The word goes on after the break: its list fills as it is read.
      if (line.end === 'soft') line.word = word
      if (line.end === 'soft' && lastSoft && measured.hyphen === undefined) {
        range.setStart(lastSoft.node, lastSoft.at)
        range.setEnd(lastSoft.node, lastSoft.at + 1)
        const widths = [...range.getClientRects()].map((rect) => rect.width)
        if (widths.length > 0 && Math.max(...widths) > 0) measured.hyphen = Math.max(...widths)
      }
      const rect = rectOf(last.node, last.at)
      if (rect) line.right = (style.direction === 'rtl' ? left + width - rect.left : rect.right - left)
    }
    for (const [nodeIndex, node] of paragraph.texts.entries()) {
      const data = node.data
      const softs = state.softsOf.get(node) ?? []
      let softIndex = 0
      // Places are counted without soft hyphens: they stay put when one is taken out.
      let place = -1
      for (let at = 0; at < data.length; at++) {
        const character = data[at]!
        if (character !== '\u00AD') place++
        if (character === '\u00AD') {
          lastOrdinal = softs[softIndex]!
          word.push(softs[softIndex++]!)
          lastSoft = {node, at}
          previous = character
          continue
        }
        if (/\s/.test(character)) {
          // A new word begins after white space; a no-break space joins two words in one.
          if (character !== '\u00A0') word = []
          if (character === ' ' && measured.space === undefined && segments.length > 0) {
            range.setStart(node, at)
            range.setEnd(node, at + 1)
            pendingSpace = range.getClientRects()[0]?.width
          }
          previous = character
          continue
        }
        if (segments.length === 0 || (/[\s\u00AD\-\u2010\u2013\u2014]/.test(previous) && previous !== '\u00A0')) {
          const rect = rectOf(node, at)
          if (rect && rect.height > 0) {
            const separator = /\s/.test(previous) ? 'space' : previous === '\u00AD' ? 'soft' : previous === '-' || previous === '\u2010' ? 'hard' : previous ? 'dash' : 'start'
            const newLine = lines.length === 0 || rect.top > lineTop + lineHeight / 2
            // A space is known to be a word space (not one a line ends at) once a word follows it on its line.
            if (!newLine && pendingSpace && measured.space === undefined) measured.space = pendingSpace
            pendingSpace = undefined
            if (newLine) {
              endLine()
              lines.push({end: 'other', start: [nodeIndex, place], right: 0})
              lineTop = rect.top
              lineHeight = rect.height
            }
            if (segments.length > 0) {
              segments.at(-1)!.separator = separator as Separator
              if (separator === 'soft') segments.at(-1)!.soft = lastOrdinal
            }
            const x = style.direction === 'rtl' ? left + width - rect.right : rect.left - left
            segments.push({start: [nodeIndex, place], x, line: lines.length - 1, separator: 'end'})
          }
        }
        last = {node, at}
        previous = character
      }
    }
    endLine()
    if (lines.length > 0) lines.at(-1)!.end = 'other'
    results.push(measured)
  }
  flush.remove()
  if (request.prune) {
    const taken = new Set(results.flatMap((paragraph) => paragraph.segments.filter((segment, at) => segment.separator === 'soft' && paragraph.segments[at + 1]?.line !== segment.line).map((segment) => segment.soft!)))
    const remove = [...state.nodeOf.keys()].filter((ordinal) => !taken.has(ordinal)).sort((a, b) => a - b)
    for (const ordinal of remove) {
      const node = state.nodeOf.get(ordinal)!
      const softs = state.softsOf.get(node)!
      const position = softs.indexOf(ordinal)
      let at = -1
      for (let seen = 0; seen <= position; seen++) at = node.data.indexOf('\u00AD', at + 1)
      node.deleteData(at, 1)
      softs.splice(position, 1)
      state.nodeOf.delete(ordinal)
    }
    return [{index: -1, fontSize: 0, justified: false, rtl: false, width: 0, lines: [], segments: [], pruned: remove}]
  }
  if (request.trial) for (const step of undo.reverse()) step()
  return results
}
