/**
 * Text fidelity: every paragraph and heading of the manuscript is in an
 * edition's text, in order, and every cell of every table is in it, between
 * the text before the table and the text after it (a PDF may print a wide
 * table in parts, so its cells are not compared in order). Texts are compared without white space, soft or
 * hard hyphens (line breaks and hyphenation move them) and with quotes and
 * apostrophes of every kind made one, so that only words count. A missing
 * or misplaced paragraph is reported at its line in the manuscript.
 *
 * Words Folio makes inside a paragraph (a rendered citation, "Figure 2",
 * the PDF's "on page 7") are not the manuscript's: the paragraph's own
 * words on either side of them are found in order. Each citation is a block
 * of its own, compared in its own order (notes move), so a citation that an
 * edition dropped fails the check.
 *
 * For a PDF, each paragraph found is then read word for word as each
 * reader's tool gives it (word-fidelity.ts): a word split or altered is
 * reported at its place in the manuscript.
 */
import path from 'node:path'
import type {Element} from 'hast'
import {headingRank} from 'hast-util-heading-rank'
import {toString} from 'hast-util-to-string'
import {SKIP, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import type {Document} from '../document/document.ts'
import {fail} from '../messages.ts'
import {skipped, verdict, type CheckResult} from './results.ts'
import {compareWords} from './word-fidelity.ts'

export interface Block {
  kind: 'paragraph' | 'heading' | 'cell' | 'citation'
  text: string
  /** The text as it is compared; `\0` where Folio's own words stand between the manuscript's. */
  key: string
  file: VFile
  node: Element
  /** Places in `text` where a note's marker starts or ends. */
  notes: Set<number>
}

const ignored = /[\s\u00AD\u200B-\u200F\u202A-\u202E\u2066-\u2069\u002D\u2010\u2011]/
const apostrophes = /['‘’ʼ`´‚‛]/
const quotes = /["“”„‟«»‹›]/

/** Text reduced to what fidelity compares: words and their letters. */
export function comparable(text: string): string {
  return comparablePlaces(text.normalize('NFC')).key
}

/** `comparable` of an NFC text, with the place in the text of each character of the result. */
export function comparablePlaces(text: string): {key: string; places: number[]} {
  let key = ''
  const places: number[] = []
  for (let at = 0; at < text.length; at++) {
    const character = text[at]!
    if (ignored.test(character)) continue
    key += apostrophes.test(character) ? "'" : quotes.test(character) ? '"' : character
    places.push(at)
  }
  return {key, places}
}

/** Spans of Folio's own words inside the manuscript's paragraphs. */
const generated = new Set(['citation', 'cross-reference', 'page-reference'])

function isGenerated(node: Element): boolean {
  return node.tagName === 'span' && Array.isArray(node.properties.className) && node.properties.className.some((name) => generated.has(String(name)))
}

/** A paragraph's own words, with `\0` where Folio's stand. */
function ownWords(node: Element): string {
  let words = ''
  visit(node, (child) => {
    if (child.type === 'text') words += child.value
    else if (child.type === 'element' && child !== node && isGenerated(child)) {
      words += '\0'
      return SKIP
    }
    return undefined
  })
  return words
}

/**
 * The paragraphs and headings the manuscript wrote, in reading order (notes
 * excluded: they move), and then every citation, in its own reading order.
 */
export function blocksOf(document: Document): Block[] {
  const blocks: Block[] = []
  const citations: Block[] = []
  for (const chapter of document.chapters) {
    visit(chapter.tree, 'element', (node) => {
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) return SKIP
      const heading = headingRank(node)
      if (node.tagName === 'td' || node.tagName === 'th') {
        const text = toString(node).trim()
        const key = comparable(ownWords(node))
        if (key.replaceAll('\0', '').length > 0 && node.position) blocks.push({kind: 'cell', text, key, file: chapter.file, node, notes: new Set()})
        return SKIP
      }
      if (node.tagName !== 'p' && !heading) return undefined
      // Folio's own words (a callout's label, a chapter's title from its front matter) are not the manuscript's.
      if (!node.position) return SKIP
      const text = toString(node).trim()
      const key = comparable(ownWords(node))
      if (key.replaceAll('\0', '').length > 0) blocks.push({kind: heading ? 'heading' : 'paragraph', text, key, file: chapter.file, node, notes: noteMarkers(node, toString(node).length - toString(node).trimStart().length)})
      return SKIP
    })
    visit(chapter.tree, 'element', (node) => {
      if (node.tagName !== 'span' || !node.position || !isGenerated(node) || node.properties.className === undefined) return undefined
      if (!(node.properties.className as string[]).includes('citation')) return undefined
      const text = toString(node).trim()
      const key = comparable(text)
      if (key.length > 0) citations.push({kind: 'citation', text, key, file: chapter.file, node, notes: new Set()})
      return SKIP
    })
  }
  return [...blocks, ...citations]
}

/** Where a block's pieces are, in order, from `from`: the start of the first and the end of the last; undefined when one is missing. */
function findPieces(haystack: string, key: string, from: number): {start: number; end: number} | undefined {
  let at = from
  let start: number | undefined
  for (const piece of key.split('\0')) {
    if (piece === '') continue
    const found = haystack.indexOf(piece, at)
    if (found === -1) return undefined
    start ??= found
    at = found + piece.length
  }
  return {start: start ?? from, end: at}
}

/**
 * Scripts whose letters change shape with their neighbours (Arabic, Syriac,
 * N'Ko, the scripts of India): Chromium writes their shaped glyphs into a PDF
 * with no text behind many of them, so a PDF's text layer cannot give them
 * back (poppler recovers some from ActualText; pdf.js does not).
 */
const shapedScripts = /[\u0600-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF\u0700-\u074F\u07C0-\u07FF\u0900-\u0DFF]/u

/** Where the note markers (`<sup><a data-footnote-ref>`) of a paragraph start and end in its text. */
function noteMarkers(node: Element, trimmed: number): Set<number> {
  const places = new Set<number>()
  let offset = -trimmed
  const walk = (element: Element, inNote: boolean): void => {
    for (const child of element.children) {
      if (child.type === 'text') offset += child.value.length
      else if (child.type === 'element') {
        const note = !inNote && child.tagName === 'sup' && child.children.some((item) => item.type === 'element' && item.properties.dataFootnoteRef !== undefined)
        if (note) places.add(offset)
        walk(child, inNote || note)
        if (note) places.add(offset)
      }
    }
  }
  walk(node, false)
  return places
}

/** Scripts read right to left: the order a PDF's tools give their words in is not the text's. */
const rightToLeft = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u

/** The place in the manuscript of a place in a block's text. */
function placeOf(node: Element, offset: number): {line: number; column: number} | undefined {
  let seen = 0
  let found: {line: number; column: number} | undefined
  const walk = (element: Element): boolean => {
    for (const child of element.children) {
      if (child.type === 'text') {
        if (offset < seen + child.value.length && child.position) {
          const before = child.value.slice(0, offset - seen)
          const lines = before.split('\n')
          const line = child.position.start.line + lines.length - 1
          found = {line, column: lines.length > 1 ? lines.at(-1)!.length + 1 : child.position.start.column + before.length}
          return true
        }
        seen += child.value.length
      } else if (child.type === 'element' && walk(child)) return true
    }
    return false
  }
  walk(node)
  return found
}

export interface FidelityOptions {
  /** The edition's text cannot give back shaped scripts (see `shapedScripts`): those blocks are not compared. */
  losesShapedScripts?: boolean
  /** Folder the problems' file names are relative to. */
  cwd: string
  /** The tool the text was read with, for messages. */
  tool?: string
  /** Also compare each paragraph found word for word. */
  words?: boolean
}

/**
 * Check an edition's text against the blocks; each problem is also a message
 * on the block's file.
 *
 * @param text The edition's text, as it reads (any white space).
 */
export function checkFidelity(edition: string, blocks: Block[], text: string, options: FidelityOptions): CheckResult {
  const unreadable = (block: Block) => options.losesShapedScripts === true && shapedScripts.test(block.text)
  const read = text.normalize('NFC')
  const {key: haystack, places} = comparablePlaces(read)
  const problems: string[] = []
  const by = options.tool ? ` (${options.tool})` : ''
  // Paragraphs and headings in order; citations in their own order (a note's may come after the text).
  const from = {text: 0, citations: 0}
  let unread = 0
  let cells = 0
  const report = (block: Block, reason: string, at: {line: number; column: number} | Element = block.node) => {
    const message = fail(block.file, reason, at, 'fidelity')
    problems.push(`${path.relative(options.cwd, block.file.path)}:${message.line}:${message.column}  ${reason}`)
  }
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!
    if (unreadable(block)) {
      unread++
      continue
    }
    if (block.kind === 'cell') {
      // The table's cells, up to the next paragraph or heading: each between here and there, in any order
      // (a table too wide for the page is printed in parts, column group after column group).
      let end = index
      while (end < blocks.length && blocks[end]!.kind === 'cell') end++
      const next = blocks[end]
      const until = next && next.kind !== 'citation' ? findPieces(haystack, next.key, from.text) : undefined
      const limit = until ? until.start : haystack.length
      let furthest = from.text
      for (const cell of blocks.slice(index, end)) {
        if (unreadable(cell)) {
          unread++
          continue
        }
        cells++
        const found = findPieces(haystack, cell.key, from.text)
        if (!found || found.end > limit) {
          const quoted = cell.text.length > 80 ? `${cell.text.slice(0, 77)}…` : cell.text
          report(cell, `Table cell missing from the ${edition} edition${by}: “${quoted}”`)
        } else furthest = Math.max(furthest, found.end)
      }
      from.text = furthest
      index = end - 1
      continue
    }
    const cursor = block.kind === 'citation' ? 'citations' : 'text'
    const found = findPieces(haystack, block.key, from[cursor])
    if (found) {
      from[cursor] = found.end
      // Word for word only where the text is all the manuscript's: Folio's own words (a page number filled in) may read otherwise.
      if (options.words && !block.key.includes('\0') && !rightToLeft.test(block.text)) {
        const region = read.slice(places[found.start]!, places[found.end - 1]! + 1)
        const fault = compareWords(block.text, region, block.notes)
        if (fault) {
          const kind = fault.kind === 'split' ? 'split' : fault.kind === 'joined' ? 'run into the next' : 'altered'
          report(block, `Word ${kind} in the ${edition} edition's text${by}: “${fault.word}” reads “${fault.read}”`, placeOf(block.node, fault.at) ?? block.node)
        }
      }
      continue
    }
    const elsewhere = findPieces(haystack, block.key, 0) !== undefined
    const what = block.kind === 'heading' ? 'Heading' : block.kind === 'citation' ? 'Citation' : 'Paragraph'
    const quoted = block.text.length > 80 ? `${block.text.slice(0, 77)}…` : block.text
    report(block, elsewhere ? `${what} out of order in the ${edition} edition${by}: “${quoted}”` : `${what} missing from the ${edition} edition${by}: “${quoted}”`)
  }
  const counted = (kind: Block['kind']) => blocks.filter((block) => block.kind === kind && !unreadable(block)).length
  const paragraphs = counted('paragraph')
  const headings = counted('heading')
  const citations = counted('citation')
  const note = unread > 0 ? `; ${unread} in a shaped script (Arabic, Indic) not compared: a PDF's text cannot give them back` : ''
  const cited = citations > 0 ? `, ${citations} citation${citations === 1 ? '' : 's'}` : ''
  const cellNote = cells > 0 ? `, ${cells} table cell${cells === 1 ? '' : 's'}` : ''
  if (unread === blocks.length && blocks.length > 0) return skipped(edition, 'text fidelity', `all ${unread} paragraphs and headings in a shaped script (Arabic, Indic): a PDF's text cannot give them back`)
  return verdict(edition, 'text fidelity', problems, `${paragraphs} paragraph${paragraphs === 1 ? '' : 's'} and ${headings} heading${headings === 1 ? '' : 's'}${cited} in order${cellNote}${note}`)
}
