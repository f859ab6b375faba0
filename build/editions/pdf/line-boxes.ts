/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The print page's paragraphs, read from Chromium: the widths of their
 * words (set in a canvas with each text's font: a thousand words cost a
 * millisecond, where asking the layout for each word's box costs a
 * hundred), where their lines break as laid out, and whether they break
 * where they were planned to. `inPage` runs inside the page (whose own
 * JavaScript stays off); it is sent there as source (`inPageSource`), so it
 * uses nothing from outside its own body but the functions sent with it
 * (`runsOf`, `ordinalsOf`, `planKey`, `digestOf`), and it keeps its state
 * under a symbol, which no element's id can shadow.
 *
 * Soft hyphens are named by their ordinal among those in `main`, in
 * document order; paragraphs (the blocks that hold soft hyphens) by their
 * index in document order: the same in every printing of the same text.
 * Places in a paragraph are a text node (by index) and a count of the
 * characters before it other than soft hyphens: they stay put when one is
 * taken out.
 */

/** What comes after a segment: where the line may break. */
export type Separator = 'space' | 'soft' | 'hard' | 'dash' | 'end'

/** A piece of text between two places a line may break (named by its index in the paragraph). */
export interface Segment {
  /** Its natural width, in CSS pixels. */
  width: number
  separator: Separator
  /** The soft hyphen after it (its ordinal), when the separator is one. */
  soft?: number
}

/**
 * Segments as they cross from the page: widths in thousandths of a pixel,
 * in base 36, comma-separated; separators one letter each (s, -, h, d, e).
 * The DevTools protocol carries about 5 MB a second each way: a book's
 * words, each an object, made answers of megabytes, and the 50x work's
 * words in decimal took 1.2 MB. They cross only for paragraphs whose plan
 * the process does not hold (`MeasuredParagraph.digest`).
 */
export interface PackedSegments {
  widths: string
  separators: string
}

/**
 * What a paragraph's lines are planned from, as one string: its measures
 * and its segments. Its plan is kept under it (line-breaking.ts), and the
 * page digests it (`digestOf`), so both must write it alike.
 */
export function planKey(width: number, indent: number, space: number, hyphen: number, separators: string, widths: string): string {
  return `${width} ${indent} ${space} ${hyphen} ${separators} ${widths}`
}

/**
 * A 64-bit digest of a string: cyrb53's two 32-bit halves (a public-domain
 * string hash), written out in base 36. Runs in the page as in Node.
 */
export function digestOf(text: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at)
    h1 = Math.imul(h1 ^ code, 2654435761)
    h2 = Math.imul(h2 ^ code, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return `${(h2 >>> 0).toString(36)}.${(h1 >>> 0).toString(36)}.${text.length}`
}

/**
 * Ordinals (in ascending runs, as a paragraph's soft hyphens are) as runs:
 * the first of each and how many follow it, flat. A paragraph's soft
 * hyphens are one run; all but the chosen ones, a run between each two.
 */
export function runsOf(ordinals: number[]): number[] {
  const runs: number[] = []
  for (const ordinal of ordinals) {
    if (runs.length > 0 && runs[runs.length - 2]! + runs[runs.length - 1]! === ordinal) runs[runs.length - 1]!++
    else runs.push(ordinal, 1)
  }
  return runs
}

/** The ordinals of `runsOf`'s runs. */
export function ordinalsOf(runs: number[]): number[] {
  const ordinals: number[] = []
  for (let at = 0; at < runs.length; at += 2) for (let ordinal = runs[at]!; ordinal < runs[at]! + runs[at + 1]!; ordinal++) ordinals.push(ordinal)
  return ordinals
}

export interface MeasuredParagraph {
  /** Index among the paragraphs that hold soft hyphens. */
  index: number
  justified: boolean
  rtl: boolean
  /** Width of the content box. */
  width: number
  /** The first line's indent. */
  indent: number
  /** Natural width of a word space, and of the hyphen drawn at a soft hyphen taken. */
  space: number
  hyphen: number
  /** How many segments it has. */
  count: number
  /** Its soft hyphens' ordinals, as runs (`runsOf`). */
  softs: number[]
  /**
   * For a justified paragraph set left to right, of two segments or more:
   * `digestOf` its `planKey`. A process that holds a plan under it needs
   * none of its segments (`LineBoxRequest.segments`). Else empty.
   */
  digest: string
}

/** How a line ends. */
export type LineEnd = 'soft' | 'hard' | 'other'

export interface LaidOutLine {
  end: LineEnd
  /** For a line that ends at a soft hyphen: every soft hyphen of the word it breaks. */
  word?: number[]
  /** The soft hyphen the line ends at. */
  soft?: number
}

/** A change to the page's text, made before it is measured. */
export interface LineBoxChange {
  /** The paragraph it is made for, so that it can be undone with `revert`. */
  paragraph?: number
  /** Soft hyphens to take out, by ordinal, as runs (`runsOf`). */
  remove?: number[]
  /** Join a segment to the one before it: the space between them becomes a no-break space. */
  glue?: {index: number; segment: number}
}

export interface LineBoxRequest {
  /** The width the page is laid out at: the page's content box when it is printed. */
  width?: number
  /** Made in order. */
  changes?: LineBoxChange[]
  /** Each paragraph's source (`LineBoxAnswer.sources`). */
  sources?: boolean
  /** The measures of every paragraph (true) or of these (by index), each with the digest of its words and their widths. */
  words?: boolean | number[]
  /** The segments of these paragraphs (by index), as measured with `words`. */
  segments?: number[]
  /** The lines of these paragraphs (by index) as laid out. */
  lines?: number[]
  /** Whether these paragraphs break where planned: the segments that start their lines after the first. */
  verify?: Array<{index: number; starts: number[]}>
  /** Undo the changes made for these paragraphs, before measuring. */
  revert?: number[]
  /** Once the changes are made, put the page back as it is laid out for print. */
  done?: boolean
}

export interface LineBoxAnswer {
  paragraphs: MeasuredParagraph[]
  /**
   * By paragraph index: a digest of everything a paragraph's measures are
   * found from in a page of the same style sheets and faces (its text, the
   * computed styles of its elements that bear on them, its content box),
   * and every soft hyphen in it (ordinals, as runs).
   */
  sources?: Array<{digest: string; softs: number[]}>
  /**
   * With the sources or the words: what, besides a paragraph's own
   * measures, its lines depend on, as a hash of the page's head (its style
   * sheets); null when something on the page floats, which can narrow any
   * paragraph's lines.
   */
  layoutContext?: string | null
  segments: Array<PackedSegments & {index: number}>
  lines: Array<{index: number; lines: LaidOutLine[]}>
  verified: boolean[]
}

/** Runs in the page. Keeps its state on the page's global between calls. */
function inPage(request: LineBoxRequest): LineBoxAnswer {
  interface State {
    /** Each paragraph's element, text nodes, and their texts as first read. */
    paragraphs: Array<{element: HTMLElement; texts: Text[]; read: string[]}>
    /** Soft hyphen ordinals of each text node, in order. */
    softsOf: Map<Text, number[]>
    /** The text node of each soft hyphen, by ordinal (dense: an array, not a map, for the hundred thousand of a long work). */
    nodeOf: Array<Text | undefined>
    /** How to undo the changes made for each paragraph. */
    undo: Map<number, Array<() => void>>
    /**
     * Where each segment of each paragraph starts, in the text as it was first read: a text node (by index) and
     * a place in it, as pairs in one flat list; found when first asked for (`startOf`).
     */
    starts: Array<number[] | undefined>
    /** Each paragraph's segments, once measured. */
    segments: Map<number, PackedSegments>
    /** What each paragraph is measured from, once found (`prepare`). */
    prepared: Map<number, {style: CSSStyleDeclaration; width: number; edges: Map<Text, {left: number; right: number}>}>
  }
  const answer: LineBoxAnswer = {paragraphs: [], segments: [], lines: [], verified: []}
  // By character code, not by a regular expression per character: a book's text is read this way twice.
  /** White space as JavaScript's `\s` has it. */
  const isSpace = (code: number) =>
    code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  /** A line may break after white space (not a no-break space), a soft hyphen, a hyphen or a dash. */
  const breaksAfterCode = (previous: number) =>
    previous !== 0xa0 && (isSpace(previous) || previous === 0xad || previous === 0x2d || previous === 0x2010 || previous === 0x2013 || previous === 0x2014)
  const separatorOf = (previous: number): Separator =>
    isSpace(previous) ? 'space' : previous === 0xad ? 'soft' : previous === 0x2d || previous === 0x2010 ? 'hard' : 'dash'
  const breaksAfter = (previous: string) => previous !== '' && breaksAfterCode(previous.charCodeAt(0))
  interface Walker {
    /** A segment starts: the separator before it and the soft hyphen it is, if one (where it starts is found once for the page, in `state.starts`). */
    segment: (separator: Separator | undefined, soft: number | undefined) => void
    /** A run of characters of a segment in one text node, from `at` to `end`. */
    piece?: (node: Text, at: number, end: number, text: string) => void
    /** A text node begins or ends. */
    enter?: (node: Text) => void
    leave?: (node: Text) => void
  }
  /** The segments of a paragraph's text: pieces between places a line may break. */
  function walk(texts: Text[], softsOf: Map<Text, number[]>, walker: Walker): void {
    /** The code of the character before, -1 before the first. */
    let previous = -1
    let lastOrdinal = -1
    let count = 0
    for (const node of texts) {
      walker.enter?.(node)
      const data = node.data
      const softs = softsOf.get(node) ?? []
      let softIndex = 0
      // A piece is a run of the node's text with no soft hyphen or breaking space in it: sliced when it ends.
      let pieceStart = -1
      const flush = (end: number) => {
        if (pieceStart !== -1 && count > 0) walker.piece?.(node, pieceStart, end, data.slice(pieceStart, end))
        pieceStart = -1
      }
      for (let at = 0; at < data.length; at++) {
        const code = data.charCodeAt(at)
        if (code === 0xad) {
          flush(at)
          lastOrdinal = softs[softIndex++]!
          previous = code
          continue
        }
        if (code !== 0xa0 && isSpace(code)) {
          flush(at)
          previous = code
          continue
        }
        if (count === 0 || breaksAfterCode(previous)) {
          flush(at)
          walker.segment(count > 0 ? separatorOf(previous) : undefined, previous === 0xad ? lastOrdinal : undefined)
          count++
        }
        // A no-break space inside a piece is measured as a space.
        if (pieceStart === -1) pieceStart = at
        previous = code
      }
      flush(data.length)
      walker.leave?.(node)
    }
  }
  const key = Symbol.for('folio.lineBoxes')
  const scope = globalThis as unknown as {[key]?: State}
  const root = document.documentElement
  if (request.width !== undefined) root.style.setProperty('width', `${request.width}px`)

  let state = scope[key]
  if (!state) {
    state = {paragraphs: [], softsOf: new Map(), nodeOf: [], undo: new Map(), starts: [], segments: new Map(), prepared: new Map()}
    const main = document.querySelector('main') ?? document.body
    // Whether an element is inline, asked once for each (a book has hundreds of thousands of text nodes, few elements each).
    const inline = new Map<Element, boolean>()
    const isInline = (element: Element) => {
      let known = inline.get(element)
      if (known === undefined) inline.set(element, (known = /^(inline|contents)/.test(getComputedStyle(element).display)))
      return known
    }
    const blockOf = (node: Node): Element => {
      let block = node.parentElement!
      while (block !== main && isInline(block)) block = block.parentElement!
      return block
    }
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT)
    const texts = new Map<Element, {texts: Text[]; read: string[]}>()
    const hasSoft = new Set<Element>()
    let ordinal = 0
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      const block = blockOf(node)
      let list = texts.get(block)
      if (!list) texts.set(block, (list = {texts: [], read: []}))
      const data = node.data
      list.texts.push(node)
      list.read.push(data)
      const softs: number[] = []
      for (let at = data.indexOf('\u00AD'); at !== -1; at = data.indexOf('\u00AD', at + 1)) {
        state.nodeOf[ordinal] = node
        softs.push(ordinal++)
      }
      if (softs.length > 0) {
        state.softsOf.set(node, softs)
        hasSoft.add(block)
      }
    }
    // In document order: the order in which each block's first text came.
    for (const [block, list] of texts) if (hasSoft.has(block)) state.paragraphs.push({element: block as HTMLElement, ...list})
    scope[key] = state
  }
  /**
   * Where a paragraph's segment starts (by the rules `walk` follows), in its
   * text as first read, whatever was changed since. A paragraph's starts are
   * found by a loop of their own (a walk with callbacks took 30 ms of the 50x
   * work), when first asked for: finding every paragraph's when the page was
   * first read took 70–90 ms of it, where many are never asked for.
   */
  const startOf = (index: number, segment: number): [number, number] | undefined => {
    const paragraph = state!.paragraphs[index]
    if (!paragraph) return undefined
    let starts = state!.starts[index]
    if (!starts) {
      starts = []
      let previous = -1
      for (let nodeIndex = 0; nodeIndex < paragraph.read.length; nodeIndex++) {
        const data = paragraph.read[nodeIndex]!
        let place = -1
        for (let at = 0; at < data.length; at++) {
          const code = data.charCodeAt(at)
          if (code === 0xad) {
            previous = code
            continue
          }
          place++
          if (code !== 0xa0 && isSpace(code)) {
            previous = code
            continue
          }
          if (starts.length === 0 || breaksAfterCode(previous)) starts.push(nodeIndex, place)
          previous = code
        }
      }
      state!.starts[index] = starts
    }
    return 2 * segment + 1 < starts.length ? [starts[2 * segment]!, starts[2 * segment + 1]!] : undefined
  }

  /**
   * The offset in a node of a place counted without soft hyphens: from the
   * offsets of the node's other characters, found once for its text as it
   * is (a paragraph's every line start is looked up in it).
   */
  const placesOf = new Map<Text, {data: string; offsets: number[]}>()
  const offsetOf = (node: Text, place: number): number => {
    // The text read once: each read of `data` crosses from the DOM (reading it per character made the last changes of
    // the 50x work take 80–120 ms).
    const data = node.data
    let known = placesOf.get(node)
    if (known?.data !== data) {
      const offsets: number[] = []
      for (let at = data.indexOf('\u00AD'), from = 0; from < data.length; from = at + 1, at = data.indexOf('\u00AD', from)) {
        for (let offset = from; offset < (at === -1 ? data.length : at); offset++) offsets.push(offset)
        if (at === -1) break
      }
      known = {data, offsets}
      placesOf.set(node, known)
    }
    return known.offsets[place] ?? data.length
  }

  // Hidden from the screen again before the last changes (print-page.ts, `showForMeasuring`): text changed in a page
  // laid out costs the layout's bookkeeping, and printing needs no layout for the screen, before or after.
  const unshown = document.head.querySelector<HTMLStyleElement>(':scope > style[data-folio-unshown]')
  if (request.done && unshown) unshown.disabled = false
  for (const index of request.revert ?? []) {
    for (const step of (state.undo.get(index) ?? []).reverse()) step()
    state.undo.delete(index)
  }
  for (const change of request.changes ?? []) {
    const undo = change.paragraph === undefined ? [] : (state.undo.get(change.paragraph) ?? [])
    if (change.paragraph !== undefined) state.undo.set(change.paragraph, undo)
    // Soft hyphens out, node by node: one change of each node's text (a book takes out tens of thousands).
    const byNode = new Map<Text, Set<number>>()
    for (const ordinal of ordinalsOf(change.remove ?? [])) {
      const node = state.nodeOf[ordinal]
      if (!node) continue
      const set = byNode.get(node) ?? new Set<number>()
      set.add(ordinal)
      byNode.set(node, set)
    }
    for (const [node, ordinals] of byNode) {
      const softs = state.softsOf.get(node)!
      const data = node.data
      const before = {data, softs: softs.slice()}
      let text = ''
      let from = 0
      let position = 0
      for (let at = data.indexOf('\u00AD'); at !== -1; at = data.indexOf('\u00AD', at + 1), position++) {
        if (!ordinals.has(before.softs[position]!)) continue
        text += data.slice(from, at)
        from = at + 1
      }
      node.data = text + data.slice(from)
      state.softsOf.set(node, before.softs.filter((ordinal) => !ordinals.has(ordinal)))
      for (const ordinal of ordinals) state.nodeOf[ordinal] = undefined
      undo.push(() => {
        node.data = before.data
        state!.softsOf.set(node, before.softs)
        for (const ordinal of ordinals) state!.nodeOf[ordinal] = node
      })
    }
    if (change.glue) {
      const texts = state.paragraphs[change.glue.index]?.texts ?? []
      const start = startOf(change.glue.index, change.glue.segment) ?? [0, 0]
      let index = start[0]
      // The space before the segment, in its node or at the end of an earlier one.
      let at = texts[index] ? offsetOf(texts[index]!, start[1]) - 1 : -1
      while (index > 0 && at < 0) at = texts[--index]!.data.length - 1
      const node = texts[index]
      if (node && at >= 0 && node.data[at] === ' ') {
        node.replaceData(at, 1, '\u00A0')
        // A no-break space for a space: the places of the node's characters stay where they were.
        const known = placesOf.get(node)
        if (known) known.data = node.data
        undo.push(() => node.replaceData(at, 1, ' '))
      }
    }
  }

  if (request.done) {
    root.style.removeProperty('width')
    delete scope[key]
    return answer
  }

  const range = document.createRange()
  /** The boxes a character of a text node is drawn in (the last, for one after a soft hyphen taken). */
  const rectOf = (node: Text, at: number): DOMRect | undefined => {
    const code = node.data.charCodeAt(at)
    range.setStart(node, at)
    range.setEnd(node, at + (code >= 0xd800 && code < 0xdc00 ? 2 : 1))
    const rects = range.getClientRects()
    return rects[rects.length - 1]
  }
  /** A computed style's say in how text is measured, as a string (`sources`). */
  const fontKeyOf = (style: CSSStyleDeclaration) =>
    `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}|${style.fontKerning}|${style.fontVariantCaps}|${style.letterSpacing}|${style.textTransform}|${style.fontVariantNumeric}`
  /**
   * What a paragraph is measured from, found once: its computed style and
   * content box, and the padding, border and margin of its inline elements
   * at their first and last text; with `sources`, a digest of all of it and
   * of its text, by which a process knows a paragraph it measured before.
   */
  const prepare = (index: number) => {
    let prepared = state!.prepared.get(index)
    if (prepared) return prepared
    const paragraph = state!.paragraphs[index]!
    const element = paragraph.element
    const style = getComputedStyle(element)
    const box = element.getBoundingClientRect()
    const width = box.width - Number.parseFloat(style.borderLeftWidth) - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.borderRightWidth) - Number.parseFloat(style.paddingRight)
    const edges = new Map<Text, {left: number; right: number}>()
    for (const inline of element.querySelectorAll('*')) {
      const inlineStyle = getComputedStyle(inline)
      if (!inlineStyle.display.startsWith('inline')) continue
      const left = ['paddingLeft', 'borderLeftWidth', 'marginLeft'].reduce((sum, name) => sum + (Number.parseFloat(inlineStyle[name as 'paddingLeft']) || 0), 0)
      const right = ['paddingRight', 'borderRightWidth', 'marginRight'].reduce((sum, name) => sum + (Number.parseFloat(inlineStyle[name as 'paddingRight']) || 0), 0)
      if (left === 0 && right === 0) continue
      const inside = paragraph.texts.filter((text) => inline.contains(text))
      if (inside[0]) edges.set(inside[0], {left: (edges.get(inside[0])?.left ?? 0) + left, right: edges.get(inside[0])?.right ?? 0})
      const last = inside.at(-1)
      if (last) edges.set(last, {left: edges.get(last)?.left ?? 0, right: (edges.get(last)?.right ?? 0) + right})
    }
    prepared = {style, width, edges}
    state!.prepared.set(index, prepared)
    return prepared
  }
  if (request.sources || request.words) {
    const floats = [...document.body.querySelectorAll('*')].some((element) => getComputedStyle(element).float !== 'none')
    // The head but the style that hides the page, whose list of faces changes with every new character.
    const head = [...document.head.children].filter((element) => element !== unshown).map((element) => element.outerHTML).join('')
    answer.layoutContext = floats ? null : digestOf(head)
  }
  if (request.sources) {
    const fontKeys = new Map<Element, string>()
    answer.sources = state.paragraphs.map((paragraph, index) => {
      const {style, width, edges} = prepare(index)
      const parts = [`${width} ${style.textAlign} ${style.direction} ${style.textIndent} ${style.wordSpacing} ${fontKeyOf(style)}`]
      const softs: number[] = []
      for (const text of paragraph.texts) {
        const parent = text.parentElement!
        let fontKey = fontKeys.get(parent)
        if (fontKey === undefined) fontKeys.set(parent, (fontKey = fontKeyOf(getComputedStyle(parent))))
        const edge = edges.get(text)
        parts.push(`${fontKey} ${edge?.left ?? 0} ${edge?.right ?? 0}`, text.data)
        softs.push(...(state!.softsOf.get(text) ?? []))
      }
      return {digest: digestOf(parts.join('\n')), softs: runsOf(softs)}
    })
  }
  const measuring = request.words === true ? state.paragraphs.map((_, index) => index) : [...(request.words || []), ...(request.segments ?? []).filter((index) => !state!.segments.has(index))]
  if (measuring.length > 0) {
    const canvas = document.createElement('canvas').getContext('2d')!
    // The canvas's font is set only when it changes: the setter parses it as CSS, on every text node of a book.
    let fontSet = ''
    const setFont = (style: CSSStyleDeclaration) => {
      const kerning = style.fontKerning === 'none' ? 'none' : 'normal'
      const caps = (style.fontVariantCaps || 'normal') as CanvasFontVariantCaps
      const spacing = style.letterSpacing === 'normal' ? '0px' : style.letterSpacing
      const wanted = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}|${kerning}|${caps}|${spacing}`
      if (wanted !== fontSet) {
        canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`
        canvas.fontKerning = kerning
        canvas.fontVariantCaps = caps
        canvas.letterSpacing = spacing
        fontSet = wanted
      }
      return `${canvas.font}|${canvas.fontVariantCaps}|${canvas.letterSpacing}|${style.textTransform}`
    }
    /** Widths by font, then by text. */
    const widthsByFont = new Map<string, Map<string, number>>()
    const widthsIn = (font: string) => {
      let known = widthsByFont.get(font)
      if (!known) widthsByFont.set(font, (known = new Map()))
      return known
    }
    /** The width of `text` in the canvas's font, whose widths `known` holds. */
    const measureIn = (known: Map<string, number>, text: string) => {
      let width = known.get(text)
      if (width === undefined) known.set(text, (width = canvas.measureText(text).width))
      return width
    }
    const measure = (font: string, text: string) => measureIn(widthsIn(font), text)
    /** What the text of an element is measured in, found once for each element: its font set on the canvas, the key of its widths. */
    interface TextStyle {
      wanted: string
      set: () => void
      widths: Map<string, number>
      upper: boolean
      figures: boolean
    }
    const textStyles = new Map<Element, TextStyle>()
    const textStyleOf = (element: Element): TextStyle => {
      let known = textStyles.get(element)
      if (!known) {
        const style = getComputedStyle(element)
        const font = setFont(style)
        const [wanted, canvasFont, kerning, caps, spacing] = [fontSet, canvas.font, canvas.fontKerning, canvas.fontVariantCaps, canvas.letterSpacing]
        known = {
          wanted,
          set: () => {
            canvas.font = canvasFont
            canvas.fontKerning = kerning
            canvas.fontVariantCaps = caps
            canvas.letterSpacing = spacing
            fontSet = wanted
          },
          widths: widthsIn(font),
          upper: style.textTransform === 'uppercase',
          // Figures in a style of their own (oldstyle, tabular) are not what a canvas sets: their box is asked for.
          figures: style.fontVariantNumeric !== 'normal'
        }
        textStyles.set(element, known)
      } else if (known.wanted !== fontSet) known.set()
      return known
    }
    for (const index of measuring) {
      const paragraph = state.paragraphs[index]!
      const element = paragraph.element
      const {style, width, edges} = prepare(index)
      const base = setFont(style)
      const measured: MeasuredParagraph = {
        index,
        justified: style.textAlign === 'justify',
        rtl: style.direction === 'rtl',
        width,
        indent: Number.parseFloat(style.textIndent) || 0,
        space: measure(base, ' ') + (Number.parseFloat(style.wordSpacing) || 0),
        hyphen: Math.max(measure(base, '-'), measure(base, '\u2010')),
        count: 0,
        softs: [],
        digest: ''
      }
      const widths: number[] = []
      const separators: string[] = []
      const softs: number[] = []
      let text = textStyleOf(element)
      // An inline box's left edge goes with its first character, its right edge with its last.
      let left = 0
      walk(paragraph.texts, state.softsOf, {
        enter: (node) => {
          text = textStyleOf(node.parentElement!)
          left = edges.get(node)?.left ?? 0
        },
        segment: (separator, soft) => {
          if (separator) separators.push(separator === 'space' ? 's' : separator === 'soft' ? '-' : separator === 'hard' ? 'h' : 'd')
          if (soft !== undefined) softs.push(soft)
          widths.push(0)
        },
        piece: (node, at, end, piece) => {
          let width: number
          if (text.figures && /\d/.test(piece)) {
            range.setStart(node, at)
            range.setEnd(node, end)
            width = [...range.getClientRects()].reduce((sum, rect) => sum + rect.width, 0)
          } else width = measureIn(text.widths, text.upper ? piece.toUpperCase() : piece)
          widths[widths.length - 1]! += width + left
          left = 0
        },
        leave: (node) => {
          if (widths.length > 0) widths[widths.length - 1]! += edges.get(node)?.right ?? 0
        }
      })
      separators.push('e')
      const segments = {widths: widths.map((width) => Math.round(width * 1000).toString(36)).join(','), separators: separators.join('')}
      state.segments.set(index, segments)
      measured.count = widths.length
      measured.softs = runsOf(softs)
      if (measured.justified && !measured.rtl && measured.count > 1) {
        measured.digest = digestOf(planKey(measured.width, measured.indent, measured.space, measured.hyphen, segments.separators, segments.widths))
      }
      if (request.words) answer.paragraphs.push(measured)
    }
  }

  for (const index of request.segments ?? []) answer.segments.push({index, ...state.segments.get(index)!})

  /** The top of the line a place is on, and the top of the line the last character before it is on. */
  const around = (texts: Text[], start: [number, number]): {top?: number; before?: number; height: number} => {
    const node = texts[start[0]]!
    const at = offsetOf(node, start[1])
    const rect = rectOf(node, at)
    let before: DOMRect | undefined
    let index = start[0]
    let offset = at - 1
    while (index >= 0 && !before) {
      for (; offset >= 0 && !before; offset--) {
        const character = texts[index]!.data[offset]!
        if (!isSpace(character.charCodeAt(0)) && character !== '\u00AD') before = rectOf(texts[index]!, offset)
      }
      index--
      if (index >= 0) offset = texts[index]!.data.length - 1
    }
    return {top: rect?.top, before: before?.top, height: rect?.height ?? 0}
  }
  for (const {index, starts: segments} of request.verify ?? []) {
    const texts = state.paragraphs[index]!.texts
    const starts = segments.map((segment) => startOf(index, segment)!)
    // Each planned start begins a line, and the line before ends on the line the start before began.
    let ok = true
    let lineTop = rectOf(texts[0]!, offsetOf(texts[0]!, 0))?.top
    for (const start of starts) {
      const {top, before, height} = around(texts, start)
      if (top === undefined || before === undefined || lineTop === undefined || Math.abs(before - lineTop) > height / 2 || top < before + height / 2) {
        ok = false
        break
      }
      lineTop = top
    }
    if (ok) {
      // The last line ends on the line it began.
      const last = texts.at(-1)!
      let end = last.data.length - 1
      while (end > 0 && /[\s\u00AD]/.test(last.data[end]!)) end--
      const top = rectOf(last, end)?.top
      const height = rectOf(last, end)?.height ?? 0
      ok = top !== undefined && lineTop !== undefined && Math.abs(top - lineTop) <= height / 2
    }
    answer.verified.push(ok)
  }

  for (const index of request.lines ?? []) {
    const paragraph = state.paragraphs[index]!
    const lines: LaidOutLine[] = []
    let lineTop = Number.NEGATIVE_INFINITY
    let lineHeight = 0
    let previous = ''
    let word: number[] = []
    let lastOrdinal = -1
    for (const node of paragraph.texts) {
      const data = node.data
      const softs = state.softsOf.get(node) ?? []
      let softIndex = 0
      for (let at = 0; at < data.length; at++) {
        const character = data[at]!
        if (character === '\u00AD') {
          lastOrdinal = softs[softIndex++]!
          word.push(lastOrdinal)
          previous = character
          continue
        }
        if (isSpace(character.charCodeAt(0))) {
          // A new word begins after white space; a no-break space joins two words in one.
          if (character !== '\u00A0') word = []
          previous = character
          continue
        }
        if (lines.length === 0 || breaksAfter(previous)) {
          const rect = rectOf(node, at)
          if (rect && rect.height > 0 && (lines.length === 0 || rect.top > lineTop + lineHeight / 2)) {
            const ending = lines.at(-1)
            if (ending) {
              ending.end = previous === '\u00AD' ? 'soft' : previous === '-' || previous === '\u2010' ? 'hard' : 'other'
              // The word goes on after the break: its list fills as it is read.
              if (ending.end === 'soft') {
                ending.word = word
                ending.soft = lastOrdinal
              }
            }
            lines.push({end: 'other'})
            lineTop = rect.top
            lineHeight = rect.height
          }
        }
        previous = character
      }
    }
    answer.lines.push({index, lines})
  }

  return answer
}

/**
 * `inPage` as source, with the two functions it uses from outside (by the
 * names it calls them: a bundler may have renamed them). A compiler that
 * keeps function names (tsx does) calls its own `__name` helper inside:
 * the page gets one that does nothing.
 */
export const inPageSource = `(request) => { const __name = (target) => target; ${[runsOf, ordinalsOf, planKey, digestOf].map((used) => `const ${used.name} = ${used.toString()};`).join(' ')} return (${inPage.toString()})(request) }`
