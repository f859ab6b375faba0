/**
 * Text fidelity: every paragraph and heading of the manuscript is in an
 * edition's text, in order. Texts are found without white space, soft or
 * hard hyphens (line breaks and hyphenation move them) and with quotes and
 * apostrophes of every kind made one, so that only words count. A missing
 * or misplaced paragraph is reported at its line in the manuscript. For a
 * PDF, each paragraph found is then read word for word as each reader's
 * tool gives it (word-fidelity.ts): a word split or altered is reported at
 * its place in the manuscript.
 */
import path from 'node:path'
import type {Element} from 'hast'
import {headingRank} from 'hast-util-heading-rank'
import {toString} from 'hast-util-to-string'
import {SKIP, visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import type {Document} from '../document/document.ts'
import {fail} from '../read/messages.ts'
import {skipped, verdict, type CheckResult} from './results.ts'
import {compareWords} from './word-fidelity.ts'

export interface Block {
  kind: 'paragraph' | 'heading'
  text: string
  /** The text as it is compared. */
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

/** The paragraphs and headings the manuscript wrote, in reading order (notes excluded: they move). */
export function blocksOf(document: Document): Block[] {
  const blocks: Block[] = []
  for (const chapter of document.chapters) {
    visit(chapter.tree, 'element', (node) => {
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) return SKIP
      const heading = headingRank(node)
      if (node.tagName !== 'p' && !heading) return undefined
      // Folio's own words (a callout's label, a chapter's title from its front matter) are not the manuscript's.
      if (!node.position) return SKIP
      const text = toString(node).trim()
      const key = comparable(text)
      if (key.length > 0) blocks.push({kind: heading ? 'heading' : 'paragraph', text, key, file: chapter.file, node, notes: noteMarkers(node, toString(node).length - toString(node).trimStart().length)})
      return SKIP
    })
  }
  return blocks
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
export function checkFidelity(edition: string, blocks: Block[], text: string, options: FidelityOptions = {}): CheckResult {
  const read = text.normalize('NFC')
  const {key: haystack, places} = comparablePlaces(read)
  const problems: string[] = []
  const by = options.tool ? ` (${options.tool})` : ''
  let from = 0
  let unread = 0
  for (const block of blocks) {
    if (edition.startsWith('pdf') && shapedScripts.test(block.text)) {
      unread++
      continue
    }
    const at = haystack.indexOf(block.key, from)
    if (at !== -1) {
      from = at + block.key.length
      if (options.words && !rightToLeft.test(block.text)) {
        const region = read.slice(places[at]!, places[at + block.key.length - 1]! + 1)
        const fault = compareWords(block.text, region, block.notes)
        if (fault) {
          const kind = fault.kind === 'split' ? 'split' : fault.kind === 'joined' ? 'run into the next' : 'altered'
          const reason = `Word ${kind} in the ${edition} edition's text${by}: “${fault.word}” reads “${fault.read}”`
          const place = placeOf(block.node, fault.at)
          const message = fail(block.file, reason, place ? {line: place.line, column: place.column} : block.node, 'fidelity')
          problems.push(`${path.relative(process.cwd(), block.file.path)}:${message.line}:${message.column}  ${reason}`)
        }
      }
      continue
    }
    const elsewhere = haystack.indexOf(block.key) !== -1
    const what = block.kind === 'heading' ? 'Heading' : 'Paragraph'
    const quoted = block.text.length > 80 ? `${block.text.slice(0, 77)}…` : block.text
    const reason = elsewhere ? `${what} out of order in the ${edition} edition${by}: “${quoted}”` : `${what} missing from the ${edition} edition${by}: “${quoted}”`
    const message = fail(block.file, reason, block.node, 'fidelity')
    problems.push(`${path.relative(process.cwd(), block.file.path)}:${message.line}:${message.column}  ${reason}`)
  }
  const compared = blocks.length - unread
  const headings = blocks.filter((block) => block.kind === 'heading' && !(edition.startsWith('pdf') && shapedScripts.test(block.text))).length
  const note = unread > 0 ? `; ${unread} in a shaped script (Arabic, Indic) not compared: a PDF's text cannot give them back` : ''
  if (unread === blocks.length && blocks.length > 0) return skipped(edition, 'text fidelity', `all ${unread} paragraphs and headings in a shaped script (Arabic, Indic): a PDF's text cannot give them back`)
  return verdict(edition, 'text fidelity', problems, `${compared - headings} paragraph${compared - headings === 1 ? '' : 's'} and ${headings} heading${headings === 1 ? '' : 's'} in order${note}`)
}
