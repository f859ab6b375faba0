/**
 * Text fidelity: every paragraph and heading of the manuscript is in an
 * edition's text, in order, and every cell of every table is in it, between
 * the text before the table and the text after it (a PDF may print a wide
 * table in parts, so its cells are not compared in order). Texts are compared without white space, soft or
 * hard hyphens (line breaks and hyphenation move them) and with quotes and
 * apostrophes of every kind made one, so that only words count. A missing
 * or misplaced paragraph is reported at its line in the manuscript.
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

export interface Block {
  kind: 'paragraph' | 'heading' | 'cell'
  text: string
  /** The text as it is compared. */
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

/** The paragraphs and headings the manuscript wrote, in reading order (notes excluded: they move). */
export function blocksOf(document: Document): Block[] {
  const blocks: Block[] = []
  for (const chapter of document.chapters) {
    visit(chapter.tree, 'element', (node) => {
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) return SKIP
      const heading = headingRank(node)
      if (node.tagName === 'td' || node.tagName === 'th') {
        const text = toString(node).trim()
        const key = comparable(text)
        if (key.length > 0 && node.position) blocks.push({kind: 'cell', text, key, file: chapter.file, node})
        return SKIP
      }
      if (node.tagName !== 'p' && !heading) return undefined
      // Folio's own words (a callout's label, a chapter's title from its front matter) are not the manuscript's.
      if (!node.position) return SKIP
      const text = toString(node).trim()
      const key = comparable(text)
      if (key.length > 0) blocks.push({kind: heading ? 'heading' : 'paragraph', text, key, file: chapter.file, node})
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

/**
 * Check an edition's text against the blocks; each problem is also a message
 * on the block's file.
 *
 * @param text The edition's text, as it reads (any white space).
 */
export function checkFidelity(edition: string, blocks: Block[], text: string): CheckResult {
  const haystack = comparable(text)
  const problems: string[] = []
  let from = 0
  let unread = 0
  let cells = 0
  const report = (block: Block, reason: string) => {
    const message = fail(block.file, reason, block.node, 'fidelity')
    problems.push(`${path.relative(process.cwd(), block.file.path)}:${message.line}:${message.column}  ${reason}`)
  }
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!
    if (edition.startsWith('pdf') && shapedScripts.test(block.text)) {
      unread++
      continue
    }
    if (block.kind === 'cell') {
      // The table's cells, up to the next paragraph or heading: each between here and there, in any order.
      let end = index
      while (end < blocks.length && blocks[end]!.kind === 'cell') end++
      const next = blocks[end]
      const until = next ? haystack.indexOf(next.key, from) : -1
      const limit = until === -1 ? haystack.length : until
      let furthest = from
      for (const cell of blocks.slice(index, end)) {
        if (edition.startsWith('pdf') && shapedScripts.test(cell.text)) {
          unread++
          continue
        }
        cells++
        const at = haystack.indexOf(cell.key, from)
        if (at === -1 || at + cell.key.length > limit) {
          const quoted = cell.text.length > 80 ? `${cell.text.slice(0, 77)}…` : cell.text
          report(cell, `Table cell missing from the ${edition} edition: “${quoted}”`)
        } else furthest = Math.max(furthest, at + cell.key.length)
      }
      from = furthest
      index = end - 1
      continue
    }
    const at = haystack.indexOf(block.key, from)
    if (at !== -1) {
      from = at + block.key.length
      continue
    }
    const elsewhere = haystack.indexOf(block.key) !== -1
    const what = block.kind === 'heading' ? 'Heading' : 'Paragraph'
    const quoted = block.text.length > 80 ? `${block.text.slice(0, 77)}…` : block.text
    report(block, elsewhere ? `${what} out of order in the ${edition} edition: “${quoted}”` : `${what} missing from the ${edition} edition: “${quoted}”`)
  }
  const compared = blocks.filter((block) => block.kind !== 'cell' && !(edition.startsWith('pdf') && shapedScripts.test(block.text))).length
  const headings = blocks.filter((block) => block.kind === 'heading' && !(edition.startsWith('pdf') && shapedScripts.test(block.text))).length
  const cellNote = cells > 0 ? `, ${cells} table cell${cells === 1 ? '' : 's'}` : ''
  const note = unread > 0 ? `; ${unread} in a shaped script (Arabic, Indic) not compared: a PDF's text cannot give them back` : ''
  if (unread === blocks.length && blocks.length > 0) return skipped(edition, 'text fidelity', `all ${unread} paragraphs and headings in a shaped script (Arabic, Indic): a PDF's text cannot give them back`)
  return verdict(edition, 'text fidelity', problems, `${compared - headings} paragraph${compared - headings === 1 ? '' : 's'} and ${headings} heading${headings === 1 ? '' : 's'} in order${cellNote}${note}`)
}
