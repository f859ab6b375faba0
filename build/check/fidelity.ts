/**
 * Text fidelity: every paragraph and heading of the manuscript is in an
 * edition's text, in order. Texts are compared without white space, soft or
 * hard hyphens (line breaks and hyphenation move them) and with quotes and
 * apostrophes of every kind made one, so that only words count. A missing
 * or misplaced paragraph is reported at its line in the manuscript.
 *
 * Words Folio makes inside a paragraph (a rendered citation, "Figure 2",
 * the PDF's "on page 7") are not the manuscript's: the paragraph's own
 * words on either side of them are found in order. Each citation is a block
 * of its own, compared in its own order (notes move), so a citation that an
 * edition dropped fails the check.
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

export interface Block {
  kind: 'paragraph' | 'heading' | 'citation'
  text: string
  /** The text as it is compared; `\0` where Folio's own words stand between the manuscript's. */
  key: string
  file: VFile
  node: Element
}

/** Text reduced to what fidelity compares: words and their letters. */
export function comparable(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\s\u00AD\u200B-\u200F\u202A-\u202E\u2066-\u2069\u002D\u2010\u2011]/g, '')
    .replace(/['‘’ʼ`´‚‛]/g, "'")
    .replace(/["“”„‟«»‹›]/g, '"')
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
      if (node.tagName !== 'p' && !heading) return undefined
      // Folio's own words (a callout's label, a chapter's title from its front matter) are not the manuscript's.
      if (!node.position) return SKIP
      const text = toString(node).trim()
      const key = comparable(ownWords(node))
      if (key.replaceAll('\0', '').length > 0) blocks.push({kind: heading ? 'heading' : 'paragraph', text, key, file: chapter.file, node})
      return SKIP
    })
    visit(chapter.tree, 'element', (node) => {
      if (node.tagName !== 'span' || !node.position || !isGenerated(node) || node.properties.className === undefined) return undefined
      if (!(node.properties.className as string[]).includes('citation')) return undefined
      const text = toString(node).trim()
      const key = comparable(text)
      if (key.length > 0) citations.push({kind: 'citation', text, key, file: chapter.file, node})
      return SKIP
    })
  }
  return [...blocks, ...citations]
}

/** Where a block's pieces are, in order, from `from`; -1 when one is missing. Returns the end of the last. */
function findPieces(haystack: string, key: string, from: number): number {
  let at = from
  for (const piece of key.split('\0')) {
    if (piece === '') continue
    const found = haystack.indexOf(piece, at)
    if (found === -1) return -1
    at = found + piece.length
  }
  return at
}

/**
 * Scripts whose letters change shape with their neighbours (Arabic, Syriac,
 * N'Ko, the scripts of India): Chromium writes their shaped glyphs into a PDF
 * with no text behind many of them, so a PDF's text layer cannot give them
 * back (poppler recovers some from ActualText; pdf.js does not).
 */
const shapedScripts = /[\u0600-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF\u0700-\u074F\u07C0-\u07FF\u0900-\u0DFF]/u

export interface FidelityOptions {
  /** The edition's text cannot give back shaped scripts (see `shapedScripts`): those blocks are not compared. */
  losesShapedScripts?: boolean
  /** Folder the problems' file names are relative to. */
  cwd: string
}

/**
 * Check an edition's text against the blocks; each problem is also a message
 * on the block's file.
 *
 * @param text The edition's text, as it reads (any white space).
 */
export function checkFidelity(edition: string, blocks: Block[], text: string, options: FidelityOptions): CheckResult {
  const unreadable = (block: Block) => options.losesShapedScripts === true && shapedScripts.test(block.text)
  const haystack = comparable(text)
  const problems: string[] = []
  // Paragraphs and headings in order; citations in their own order (a note's may come after the text).
  const from = {text: 0, citations: 0}
  let unread = 0
  for (const block of blocks) {
    if (unreadable(block)) {
      unread++
      continue
    }
    const cursor = block.kind === 'citation' ? 'citations' : 'text'
    const end = findPieces(haystack, block.key, from[cursor])
    if (end !== -1) {
      from[cursor] = end
      continue
    }
    const elsewhere = findPieces(haystack, block.key, 0) !== -1
    const what = block.kind === 'heading' ? 'Heading' : block.kind === 'citation' ? 'Citation' : 'Paragraph'
    const quoted = block.text.length > 80 ? `${block.text.slice(0, 77)}…` : block.text
    const reason = elsewhere ? `${what} out of order in the ${edition} edition: “${quoted}”` : `${what} missing from the ${edition} edition: “${quoted}”`
    const message = fail(block.file, reason, block.node, 'fidelity')
    problems.push(`${path.relative(options.cwd, block.file.path)}:${message.line}:${message.column}  ${reason}`)
  }
  const compared = blocks.length - unread
  const counted = (kind: Block['kind']) => blocks.filter((block) => block.kind === kind && !unreadable(block)).length
  const headings = counted('heading')
  const citations = counted('citation')
  const note = unread > 0 ? `; ${unread} in a shaped script (Arabic, Indic) not compared: a PDF's text cannot give them back` : ''
  const cited = citations > 0 ? `, ${citations} citation${citations === 1 ? '' : 's'}` : ''
  if (unread === blocks.length && blocks.length > 0) return skipped(edition, 'text fidelity', `all ${unread} paragraphs and headings in a shaped script (Arabic, Indic): a PDF's text cannot give them back`)
  const paragraphs = compared - headings - citations
  return verdict(edition, 'text fidelity', problems, `${paragraphs} paragraph${paragraphs === 1 ? '' : 's'} and ${headings} heading${headings === 1 ? '' : 's'}${cited} in order${note}`)
}
