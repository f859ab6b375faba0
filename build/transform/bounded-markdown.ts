/**
 * Markdown read in time that grows with its length, never faster. The
 * parser (micromark) is linear on prose but not on every input an author or
 * an attacker can write; each case is bounded here, by the same result in
 * linear time or by a documented limit with a positioned message:
 *
 * - Code spans: an opening run of backticks that has no closing run of the
 *   same length in its paragraph is literal text, but micromark finds that
 *   out by reading to the end of the paragraph, for every such run (a
 *   paragraph of runs of 1, 2, 3 … backticks is quadratic). Once one search
 *   has met the paragraph's end, every later run whose next equal run lies
 *   beyond that end is literal at once: the same result, linearly.
 * - Definitions and footnotes: each reference looked its label up in a list
 *   of every definition (50,000 footnotes citing each other took minutes);
 *   the lists are indexed.
 * - Literal autolinks (GFM): before each word, the library walks back
 *   through the paragraph's events for a `[` that no `]` has closed, and
 *   when it finds one it leaves no mark to stop the next walk, so a stray
 *   `[` early in a long paragraph made every later word walk back to it.
 *   The `[` found is remembered, and while it is still there and still
 *   open, each word is text at once: the same result, linearly.
 * - Markup inside a paragraph: each piece costs micromark a pass over the
 *   paragraph's events (merging the text around it, matching emphasis, a
 *   footnote call looking back for its bracket), so a paragraph holds at
 *   most `maxMarkup` pieces; the markup characters after them are shown as
 *   written, with a warning.
 * - Nesting: lists and quotations at most `maxNesting` levels deep, checked
 *   on the text before it is parsed (parsing deep nesting costs depth ×
 *   length); and every tree at most `maxTreeDepth` nodes deep, so that no
 *   step that walks it recursively can overflow the stack.
 *
 * The limits are in docs/manuscript.md ("Long and deep text").
 */
import type {Root, RootContent} from 'mdast'
import {defaultHandlers, type Handler, type State as HastState} from 'mdast-util-to-hast'
import type {Code, Construct, Effects, Event, Extension, State, Token, TokenizeContext} from 'micromark-util-types'
import type {Processor} from 'unified'
import type {VFile} from 'vfile'
import {fail, warn} from '../messages.ts'

/** Lists and quotations nest at most this deep. */
export const maxNesting = 100
/** A tree (mdast, hast) is at most this many nodes deep. */
export const maxTreeDepth = 400
/** Raw HTML elements nest at most this deep. */
export const maxRawNesting = 100
/** Pieces of markup (emphasis, links, code spans, escapes, …) in one paragraph, at most … */
export const maxMarkup = 1000
/** … and fewer in a very long paragraph: at most this many characters of it times its pieces of markup. */
const markupWork = 100_000_000

interface Guard {
  source: string
  /** Offsets of backtick runs by their length, in order. */
  runs?: Map<number, number[]>
  /** Where each block of lines between blank lines starts, and its length. */
  blocks?: {starts: number[]; lengths: number[]}
  /** Where a paragraph went over the limit of markup. */
  overflows: Array<{offset: number; allowed: number}>
  /** Labels defined elsewhere in the file, for a passage parsed on its own (incremental-parse.ts). */
  known?: DefinedLabels
  /** The parser's lists of labels, once indexed. */
  parser?: IndexedParser
}

/**
 * The labels of link reference definitions and of footnote definitions, as
 * micromark keeps them (normalised identifiers): whether `[x][y]` is a link
 * or `[^y]` a footnote call depends on them.
 */
export interface DefinedLabels {
  definitions: string[]
  footnotes: string[]
}

/** The chapter being parsed (parsing is synchronous: one at a time). */
let guard: Guard | undefined

/**
 * Run `parse` on a chapter's text with the guards on, and report what they
 * found on the file.
 */
export function parseBounded<T>(file: VFile, parse: () => T): T {
  return parseBoundedWith(file, parse).result
}

/**
 * `parseBounded`, with labels defined outside the text taken as defined too;
 * also returns the labels the parser knew at its end (with `known` empty:
 * those the text itself defines).
 */
export function parseBoundedWith<T>(file: VFile, parse: () => T, known?: DefinedLabels): {result: T; labels: DefinedLabels} {
  guard = {source: String(file.value), overflows: [], ...(known ? {known} : {})}
  const current = guard
  try {
    const result = parse()
    const labels = {definitions: [...(current.parser?.defined ?? [])], footnotes: [...(current.parser?.gfmFootnotes ?? [])]}
    return {result, labels}
  } finally {
    const {overflows} = guard
    guard = undefined
    for (const {offset, allowed} of overflows) {
      warn(file, `This paragraph has more than ${allowed.toLocaleString('en')} pieces of markup (emphasis, links, code, escapes, …): from here on its markup characters are shown as written`, pointAt(String(file.value), offset), 'markdown-limit')
    }
  }
}

/** A remark plugin: the micromark extension that applies the guards. */
export default function remarkBoundedMarkdown(this: Processor) {
  const data = this.data() as {micromarkExtensions?: Extension[]}
  ;(data.micromarkExtensions ??= []).push(extension)
}

// ---------------------------------------------------------------- lookups

type IndexedParser = TokenizeContext['parser'] & {gfmFootnotes?: string[]}
const indexedParsers = new WeakSet<object>()

/** An array whose `includes` is a set lookup (micromark only pushes to and searches these lists). */
function indexed(list: string[]): string[] {
  const known = new Set(list)
  const fast = [...list]
  fast.push = (...items: string[]) => {
    for (const item of items) known.add(item)
    return Array.prototype.push.apply(fast, items)
  }
  fast.includes = (item: string) => known.has(item)
  return fast
}

/** Tried at the start of every line, it only indexes the parser's lists of definitions, once. */
const indexLookups: Construct = {
  name: 'folioIndexLookups',
  tokenize(this: TokenizeContext, _effects: Effects, _ok: State, nok: State): State {
    const parser = this.parser as IndexedParser
    if (!indexedParsers.has(parser)) {
      indexedParsers.add(parser)
      parser.defined = indexed(parser.defined)
      parser.gfmFootnotes = indexed(parser.gfmFootnotes ?? [])
      if (guard) {
        guard.parser = parser
        if (guard.known) {
          parser.defined.push(...guard.known.definitions)
          parser.gfmFootnotes.push(...guard.known.footnotes)
        }
      }
    }
    return (code: Code) => nok(code)
  }
}

/**
 * mdast-util-to-hast numbers a footnote call by looking its label up in the
 * list of labels called so far: the list is indexed, and the handler is the
 * library's own.
 */
export const footnoteReference: Handler = (state, node) => {
  const order = state.footnoteOrder as string[] & {folioIndexed?: true}
  if (!order.folioIndexed) {
    const positions = new Map(order.map((label, index) => [label, index]))
    order.push = (...labels: string[]) => {
      for (const label of labels) {
        if (!positions.has(label)) positions.set(label, order.length)
        Array.prototype.push.call(order, label)
      }
      return order.length
    }
    order.indexOf = (label: string) => positions.get(label) ?? -1
    order.folioIndexed = true
  }
  return defaultHandlers.footnoteReference(state as HastState, node as never)
}

// ---------------------------------------------------------------- code spans

/** The end of the paragraph a failed code span search reached, by tokenizer (one per paragraph). */
const paragraphEnds = new WeakMap<object, number>()

function builtinCodeText(context: TokenizeContext): Construct {
  const list = context.parser.constructs.text?.[96]
  const found = (Array.isArray(list) ? list : [list]).find((construct): construct is Construct => construct?.name === 'codeText')
  if (!found) throw new Error('micromark has no codeText construct')
  return found
}

/** The offset of the next run of exactly `length` backticks that starts after `from`, or Infinity. */
function nextRun(length: number, from: number): number {
  if (!guard) return 0
  if (!guard.runs) {
    guard.runs = new Map()
    for (const match of guard.source.matchAll(/`+/g)) {
      const list = guard.runs.get(match[0].length) ?? []
      list.push(match.index)
      guard.runs.set(match[0].length, list)
    }
  }
  const list = guard.runs.get(length) ?? []
  let low = 0
  let high = list.length
  while (low < high) {
    const middle = (low + high) >> 1
    if (list[middle]! <= from) low = middle + 1
    else high = middle
  }
  return list[low] ?? Number.POSITIVE_INFINITY
}

const codeText: Construct = {
  name: 'folioCodeText',
  previous(this: TokenizeContext, code: Code): boolean {
    return code !== 96 || this.events.at(-1)?.[1].type === 'characterEscape'
  },
  resolve(events, context) {
    return builtinCodeText(context).resolve!(events, context)
  },
  tokenize(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    const self = this
    const builtin = builtinCodeText(self)
    const start = self.now().offset
    let length = 0
    while (guard && guard.source.charCodeAt(start + length) === 96) length++
    const end = paragraphEnds.get(self)
    // This paragraph was read to its end before: no closing run inside it means none at all.
    if (guard && end !== undefined && length > 0 && nextRun(length, start + length - 1) >= end) return (code: Code) => nok(code)
    const failed: State = (code: Code) => {
      // The only way a code span fails after its opening run: the paragraph ended.
      if (code === null) paragraphEnds.set(self, self.now().offset)
      return nok(code)
    }
    return builtin.tokenize.call(self, effects, ok, failed)
  }
}

// ---------------------------------------------------------------- literal autolinks

/** The open label the last walk found, and where, by tokenizer (one per paragraph). */
const openLabels = new WeakMap<object, {token: Token; index: number}>()

type WalkedToken = Token & {_balanced?: boolean; _gfmAutolinkLiteralWalkedInto?: boolean}

/**
 * micromark-extension-gfm-autolink-literal's `previousUnbalanced`, with the
 * `[` it finds remembered: a label start that was open stays open until a
 * `]` balances it, so while it is still in its place the answer is known.
 * When there is none, the walk leaves the library's own mark, as the
 * library does, and the library's walk after it stops there at once.
 */
function openLabelBefore(events: Event[], context: object): boolean {
  const known = openLabels.get(context)
  if (known && !(known.token as WalkedToken)._balanced && events[known.index]?.[1] === known.token) return true
  let index = events.length
  while (index--) {
    const token = events[index]![1] as WalkedToken
    if ((token.type === 'labelLink' || token.type === 'labelImage') && !token._balanced) {
      openLabels.set(context, {token, index})
      return true
    }
    if (token._gfmAutolinkLiteralWalkedInto) break
  }
  if (events.length > 0) (events.at(-1)![1] as WalkedToken)._gfmAutolinkLiteralWalkedInto = true
  return false
}

/** Letters, digits and `+ - .`: where a literal autolink may start, less `_` (emphasis; counted as markup). */
const isWordCharacter = (code: Code): boolean =>
  code !== null && ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 43 || code === 45 || code === 46)
const wordStarts = Array.from({length: 123}, (_, code) => code).filter(isWordCharacter)

/** Before the literal autolinks: a word after an open `[` is text, without their walk back. */
const wordAfterOpenLabel: Construct = {
  name: 'folioWordAfterOpenLabel',
  add: 'before',
  previous(code: Code): boolean {
    return !isWordCharacter(code) || code === 45 || code === 46 || code === 43
  },
  tokenize(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    const self = this
    return (code: Code) => {
      if (!openLabelBefore(self.events, self)) return nok(code)
      effects.enter('data')
      const word: State = (next: Code) => {
        if (!isWordCharacter(next)) {
          effects.exit('data')
          return ok(next)
        }
        effects.consume(next)
        return word
      }
      return word(code)
    }
  }
}

// ---------------------------------------------------------------- markup

/**
 * The characters that start markup inside a paragraph (emphasis,
 * strikethrough, links, code spans, character references, escapes,
 * autolinks and inline HTML). micromark merges the text between markup with
 * one splice of the paragraph's events per piece of markup, so a paragraph
 * with n pieces costs n × its length: past `maxMarkup` of them, the rest of
 * the paragraph's markup characters are shown as written.
 */
const markupCharacters = [42, 95, 126, 91, 93, 96, 38, 92, 60]
const markupCounts = new WeakMap<object, number>()

/** How many pieces of markup the paragraph at `offset` may hold: fewer as the lines around it grow longer. */
function markupAllowed(offset: number): number {
  if (!guard) return maxMarkup
  if (!guard.blocks) {
    const starts = [0]
    const lengths: number[] = []
    for (const match of guard.source.matchAll(/\n[ \t]*\n/g)) {
      lengths.push(match.index - starts.at(-1)!)
      starts.push(match.index + match[0].length)
    }
    lengths.push(guard.source.length - starts.at(-1)!)
    guard.blocks = {starts, lengths}
  }
  const {starts, lengths} = guard.blocks
  let low = 0
  let high = starts.length - 1
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if (starts[middle]! <= offset) low = middle
    else high = middle - 1
  }
  return Math.max(10, Math.min(maxMarkup, Math.floor(markupWork / Math.max(1, lengths[low]!))))
}

const markupLimit: Construct = {
  name: 'folioMarkupLimit',
  add: 'before',
  tokenize(this: TokenizeContext, effects: Effects, ok: State, nok: State): State {
    const self = this
    return (code: Code) => {
      const count = (markupCounts.get(self) ?? 0) + 1
      markupCounts.set(self, count)
      const allowed = markupAllowed(self.now().offset)
      if (count <= allowed) return nok(code)
      if (count === allowed + 1) guard?.overflows.push({offset: self.now().offset, allowed})
      // Past the limit: this character, and any run of it, is text.
      effects.enter('data')
      const run: State = (next: Code) => {
        if (next !== code) {
          effects.exit('data')
          return ok(next)
        }
        effects.consume(next)
        return run
      }
      return run(code)
    }
  }
}

const extension: Extension = {
  document: {null: [indexLookups]},
  text: {
    ...Object.fromEntries(wordStarts.map((code) => [code, wordAfterOpenLabel])),
    ...Object.fromEntries(markupCharacters.map((code) => [code, code === 96 ? [markupLimit, codeText] : markupLimit]))
  },
  disable: {null: ['codeText']}
}

// ---------------------------------------------------------------- nesting

/**
 * Lists and quotations nested deeper than `maxNesting`, found on the text
 * before it is parsed: on each line, the quotation and list markers it opens
 * and the indentation before them (a nested list needs at least two columns
 * a level). An error at the first marker too deep.
 *
 * @returns False when the text nests too deep (and must not be parsed).
 */
export function checkNesting(file: VFile): boolean {
  const text = String(file.value)
  let line = 1
  for (let start = 0; start < text.length; line++) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    let index = start
    let columns = 0
    let depth = 0
    for (;;) {
      while (index < end && (text[index] === ' ' || text[index] === '\t')) {
        columns += text[index] === '\t' ? 4 - (columns % 4) : 1
        index++
      }
      if (depth === 0) depth = Math.floor(columns / 2)
      // Most lines start with no marker: only `>`, `-`, `+`, `*` or a digit can.
      const code = text.charCodeAt(index)
      if (index >= end || (code !== 62 && code !== 45 && code !== 43 && code !== 42 && (code < 48 || code > 57))) break
      const marker = /^(>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))/.exec(text.slice(index, Math.min(end, index + 11)))
      if (!marker) break
      depth++
      index += marker[0].length
      if (depth > maxNesting) {
        fail(file, `Lists and quotations nest at most ${maxNesting} levels deep; this line goes deeper`, {line, column: index - start}, 'markdown-limit')
        return false
      }
    }
    start = end + 1
  }
  return true
}

/**
 * The first node deeper than `maxTreeDepth`, found without recursion, or
 * undefined. For mdast and hast alike.
 */
export function tooDeep<Node extends {children?: unknown[]}>(tree: Node): Node | undefined {
  const stack: Array<[Node, number]> = [[tree, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (depth > maxTreeDepth) return node
    for (const child of (node.children ?? []) as Node[]) stack.push([child, depth + 1])
  }
  return undefined
}

/** An mdast tree too deep for the steps after parsing: an error at the place, and an empty tree instead. */
export function boundedTree(tree: Root, file: VFile): Root {
  const deep = tooDeep(tree as {children?: unknown[]}) as RootContent | undefined
  if (!deep) return tree
  fail(file, `The text nests more than ${maxTreeDepth} levels deep here (emphasis in emphasis, links in links, lists in lists …); Folio does not read deeper structures`, deep, 'markdown-limit')
  return {type: 'root', children: []}
}

/** Elements that hold nothing, or that the next of their kind closes: they do not make a tree deeper. */
const flatElements = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr',
  'p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'colgroup', 'caption', 'option', 'optgroup', 'rt', 'rp'
])

/**
 * Raw HTML that opens elements deeper than `maxRawNesting` (counted over the
 * chapter's raw HTML in order, before the HTML parser builds a tree of it,
 * which it does without limit): an error at the raw HTML that goes too deep.
 *
 * @param raws The chapter's raw HTML nodes, in document order.
 * @returns False when the chapter's HTML nests too deep.
 */
export function checkRawNesting(raws: Array<{value: string; position?: RootContent['position']}>, file: VFile): boolean {
  let depth = 0
  for (const raw of raws) {
    for (const match of raw.value.matchAll(/<(\/?)([a-zA-Z][\w:-]*)(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g)) {
      if (flatElements.has(match[2]!.toLowerCase()) || match[3] === '/') continue
      depth = match[1] === '/' ? Math.max(0, depth - 1) : depth + 1
      if (depth > maxRawNesting) {
        fail(file, `Raw HTML nests elements more than ${maxRawNesting} deep here; Folio does not read deeper HTML`, raw.position, 'markdown-limit')
        return false
      }
    }
  }
  return true
}

function pointAt(text: string, offset: number): {line: number; column: number} {
  let line = 1
  let lineStart = 0
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++
    lineStart = index + 1
  }
  return {line, column: offset - lineStart + 1}
}
