/**
 * Parsing one Markdown file again after an edit without parsing all of it
 * (watch mode; docs/decisions/0016-incremental-parsing.md). The text is cut
 * into passages at lines where CommonMark starts afresh; each passage is
 * parsed on its own and kept by its text, so an edit parses only the
 * passage it falls in, and the others' trees are reused with their
 * positions moved. The result is the whole parse's, node for node and
 * position for position, or nothing: the caller then parses the whole file.
 *
 * Where a passage may start: at a line that follows a blank line, starts in
 * its first column with neither a space, a list marker nor `-` (a list, a
 * thematic break, front matter), and is not inside a fence, a directive
 * container or an HTML block that blank lines do not end. A blank line has
 * already closed every paragraph, table, quotation and HTML block before such
 * a line, and the line closes every list, note and indented code. The fences
 * and blocks are found by a quick reading of the lines; the parse checks
 * that reading: a passage whose tree has a node that runs into its trailing
 * blank lines (a fence, container or block that only its end closed) was
 * not cut where the parser starts afresh, and the whole file is parsed.
 *
 * A passage's references depend on the whole file: `[x][y]` is a link and
 * `[^y]` a footnote call only when `y` is defined somewhere. A passage is
 * parsed knowing every label the file defines, and its tree is kept with
 * those labels; when they change, every passage with a `[` is parsed again.
 * A definition inside a directive container counts only for what micromark
 * reads after it: such a file is parsed whole.
 */
import type {Root, RootContent} from 'mdast'
import type {Point} from 'unist'
import {VFile} from 'vfile'
import type {DefinedLabels} from './bounded-markdown.ts'

/** Parses a text on its own (the caller's parser, bounded), with labels defined elsewhere. */
export type PassageParser = (file: VFile, known: DefinedLabels) => {tree: Root; labels: DefinedLabels}

interface Passage {
  text: string
  /** Positions counted from the passage's start. */
  tree: Root
  /** The labels the passage itself defines. */
  own: DefinedLabels
  /** The labels the tree was parsed knowing (empty when the passage has no `[`: they cannot matter). */
  knownKey: string
}

/** Fewer, longer passages: a passage starts only where the line's hash says so (about one place in `spacing`), so cuts stay where they were after an edit. */
const spacing = 4

const noLabels: DefinedLabels = {definitions: [], footnotes: []}

export class PassageCache {
  /** Passages of the last parse, by text. */
  #passages = new Map<string, Passage>()

  /**
   * The file's tree from its passages, parsing those not kept; undefined when
   * it cannot be shown to equal the whole parse (then nothing is kept).
   */
  parse(file: VFile, parse: PassageParser): Root | undefined {
    const text = String(file.value)
    // A lone carriage return ends a line for the parser, not for the cuts below.
    if (/\r(?!\n)/.test(text)) return this.#forget()
    const starts = passageStarts(text)
    if (starts.length < 2) return undefined
    const kept = this.#passages
    const passages: Passage[] = []
    for (const [index, start] of starts.entries()) {
      const end = starts[index + 1] ?? text.length
      const passageText = text.slice(start, end)
      let passage = kept.get(passageText)
      if (!passage) {
        // First its own labels: a passage that defines none cannot say `]:`.
        const learned = passageText.includes(']:') ? parseAlone(file, passageText, noLabels, parse) : {tree: undefined, labels: noLabels}
        if (!learned || (learned.tree && definesInContainer(learned.tree))) return this.#forget()
        passage = {text: passageText, tree: learned.tree ?? {type: 'root', children: []}, own: learned.labels, knownKey: learned.tree ? keyOf(noLabels, passageText) : '?'}
      }
      passages.push(passage)
    }
    const known = union(passages.map((passage) => passage.own))
    const next = new Map<string, Passage>()
    const children: RootContent[] = []
    let line = 0
    for (let [index, passage] of passages.entries()) {
      const key = keyOf(known, passage.text)
      if (passage.knownKey !== key) {
        const parsed = parseAlone(file, passage.text, known, parse)
        if (!parsed) return this.#forget()
        passage = {...passage, tree: parsed.tree, knownKey: key}
      }
      // Every passage but the last must end where the parser starts afresh.
      if (index < passages.length - 1 && !endsAfresh(passage)) return this.#forget()
      next.set(passage.text, passage)
      for (const child of structuredClone(passage.tree.children)) children.push(moved(child, line, starts[index]!))
      line += lineBreaks(passage.text)
    }
    this.#passages = next
    return {type: 'root', children, position: {start: {line: 1, column: 1, offset: 0}, end: endOf(text)}}
  }

  #forget(): undefined {
    this.#passages = new Map()
    return undefined
  }
}

/**
 * Parse a passage alone; undefined when the parse said anything (a limit
 * reached: its message names a place in the passage, not the file).
 */
function parseAlone(file: VFile, text: string, known: DefinedLabels, parse: PassageParser): {tree: Root; labels: DefinedLabels} | undefined {
  const alone = new VFile({path: file.path, value: text})
  const parsed = parse(alone, known)
  if (alone.messages.length > 0) return undefined
  return parsed
}

/** What a passage's parse depends on besides its text: the labels, when it has a `[` at all. */
function keyOf(known: DefinedLabels, text: string): string {
  if (!text.includes('[')) return ''
  return `${known.definitions.join('\n')}\n\n${known.footnotes.join('\n')}`
}

function union(all: DefinedLabels[]): DefinedLabels {
  const definitions = new Set<string>()
  const footnotes = new Set<string>()
  for (const labels of all) {
    for (const label of labels.definitions) definitions.add(label)
    for (const label of labels.footnotes) footnotes.add(label)
  }
  return {definitions: [...definitions].sort(), footnotes: [...footnotes].sort()}
}

/**
 * True when a definition is inside a directive container: micromark reads a
 * container's text after the text around it, so such a definition counts
 * only for the references read after it, not for the whole file.
 */
function definesInContainer(tree: Root): boolean {
  const stack: Array<{node: RootContent; inside: boolean}> = tree.children.map((node) => ({node, inside: false}))
  while (stack.length > 0) {
    const {node, inside} = stack.pop()!
    if (inside && (node.type === 'definition' || node.type === 'footnoteDefinition')) return true
    if ('children' in node) for (const child of node.children as RootContent[]) stack.push({node: child, inside: inside || node.type === 'containerDirective'})
  }
  return false
}

/**
 * True when no node of the passage runs past its last line that is not
 * blank: a fence, container or HTML block left open runs on to the end of a
 * text parsed alone, and in the whole file would have gone on further.
 */
function endsAfresh(passage: Passage): boolean {
  const {text} = passage
  // Back over the trailing blank lines (a passage that is not the last ends in at least one) to the last character of text.
  let lastText = text.length - 1
  while (lastText >= 0 && ' \t\r\n'.includes(text[lastText]!)) lastText--
  // The end of that line: a node may end there, not in the blank lines after it.
  while (lastText + 1 < text.length && text[lastText + 1] !== '\n' && text[lastText + 1] !== '\r') lastText++
  lastText++
  const stack: RootContent[] = [...passage.tree.children]
  while (stack.length > 0) {
    const node = stack.pop()!
    const offset = node.position?.end.offset
    if (offset === undefined || offset > lastText) return false
    if ('children' in node) stack.push(...(node.children as RootContent[]))
  }
  return true
}

/** A copy's positions moved by the lines and characters before its passage (a passage starts a line: columns stay). */
function moved<Node extends RootContent>(node: Node, lines: number, offset: number): Node {
  if (lines === 0 && offset === 0) return node
  const stack: RootContent[] = [node]
  while (stack.length > 0) {
    const current = stack.pop()!
    const position = current.position
    if (position) {
      position.start = shifted(position.start, lines, offset)
      position.end = shifted(position.end, lines, offset)
    }
    if ('children' in current) stack.push(...(current.children as RootContent[]))
  }
  return node
}

function shifted(point: Point, lines: number, offset: number): Point {
  return {line: point.line + lines, column: point.column, ...(point.offset === undefined ? {} : {offset: point.offset + offset})}
}

function lineBreaks(text: string): number {
  let count = 0
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++
  return count
}

/** The point after the last character, as the parser gives the root. */
function endOf(text: string): Point {
  const last = text.lastIndexOf('\n')
  return {line: lineBreaks(text) + 1, column: text.length - last, offset: text.length}
}

/** Fence openers: backticks (whose info string has none) or tildes, indented at most three spaces. */
const fenceOpener = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/
/** Directive containers: `:::name`, and the closing `:::`. */
const containerOpener = /^ {0,3}(:{3,})[A-Za-z]/
const containerCloser = /^ {0,3}(:{3,})[ \t]*$/
/** HTML blocks that blank lines do not end, and what ends each. */
const htmlBlocks: Array<[RegExp, RegExp]> = [
  [/^ {0,3}<(script|pre|style|textarea)(?=[\s>]|$)/i, /<\/(script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
  [/^ {0,3}<![A-Za-z]/, />/]
]
const listMarker = /^(?:[*+]|\d{1,9}[.)])(?:[ \t\r]|$)/

/**
 * Offsets where passages start: 0, then lines where the parser starts
 * afresh (see above) that the line's hash picks. A quick reading: a wrong
 * guess costs a whole parse, never a wrong tree (`endsAfresh` checks it).
 */
function passageStarts(text: string): number[] {
  const starts = [0]
  let start = 0
  // Front matter: no passage starts before its closing line.
  let inside: {closes: (line: string) => boolean} | undefined = text.startsWith('---') ? {closes: (line) => /^---[ \t\r]*$/.test(line)} : undefined
  let skipFirst = inside !== undefined
  const containers: number[] = []
  let blankBefore = false
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const line = text.slice(start, end)
    const blank = /^[ \t\r]*$/.test(line)
    if (skipFirst) {
      skipFirst = false
    } else if (inside) {
      if (inside.closes(line)) inside = undefined
    } else {
      const first = line.charCodeAt(0)
      if (blankBefore && !blank && containers.length === 0 && first !== 32 && first !== 9 && first !== 45 && !listMarker.test(line) && pickedBy(line)) {
        starts.push(start)
      }
      // Only a line that starts (after at most three spaces) with `, ~, : or < opens what is tracked here.
      const opening = /^ {0,3}[`~:<]/.test(line)
      const fence = opening ? fenceOpener.exec(line) : null
      if (!opening) {
        // A paragraph, a heading, a list …
      } else if (fence) {
        const marker = fence[1]!
        const closer = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t\\r]*$`)
        inside = {closes: (next) => closer.test(next)}
      } else if (containerOpener.test(line)) {
        containers.push(containerOpener.exec(line)![1]!.length)
      } else if (containers.length > 0 && containerCloser.test(line)) {
        const colons = containerCloser.exec(line)![1]!.length
        if (colons >= containers.at(-1)!) containers.pop()
      } else {
        for (const [opener, closer] of htmlBlocks) {
          const match = opener.exec(line)
          if (!match) continue
          if (!closer.test(line.slice(match[0].length))) inside = {closes: (next) => closer.test(next)}
          break
        }
      }
    }
    blankBefore = blank
    start = end + 1
  }
  return starts
}

/** About one line in `spacing`, by its text (so the same line is picked before and after an edit elsewhere). */
function pickedBy(line: string): boolean {
  // FNV-1a over the first 64 characters.
  let hash = 0x811c9dc5
  for (let index = 0; index < Math.min(line.length, 64); index++) hash = Math.imul(hash ^ line.charCodeAt(index), 0x01000193)
  return ((hash >>> 0) % spacing) === 0
}
