/**
 * Line breaking as a reader sees it, measured from a printed PDF (never from
 * the HTML): poppler's word boxes (`pdftotext -bbox-layout`), grouped in its
 * blocks and lines. Counts what a typesetter checks: lines that end in a
 * hyphen, ladders of three or more, breaks that leave a short fragment or
 * split a word in capitals or with digits, and loose lines (word spaces more
 * than 1.6 times the page's median).
 */
import {tool} from './harness.ts'

export interface Word {
  text: string
  xMin: number
  xMax: number
  yMin: number
  yMax: number
}

export interface Line {
  words: Word[]
  xMin: number
  xMax: number
}

export interface Block {
  lines: Line[]
}

export interface Page {
  number: number
  blocks: Block[]
}

const entities: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"}
const unescape = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) =>
    name.startsWith('#x') ? String.fromCodePoint(Number.parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (entities[name] ?? whole)
  )
const attribute = (tag: string, name: string) => Number(new RegExp(`${name}="([^"]+)"`).exec(tag)![1])

/** Pages, blocks, lines and words of a PDF as poppler reads them. */
export async function wordBoxes(file: string): Promise<Page[]> {
  const xml = await tool('pdftotext', ['-bbox-layout', file, '-'])
  const pages: Page[] = []
  for (const [index, page] of xml.split(/<page /).slice(1).entries()) {
    const blocks: Block[] = []
    for (const block of page.split(/<block /).slice(1)) {
      const lines: Line[] = []
      for (const line of block.split(/<line /).slice(1)) {
        const words = [...line.matchAll(/<word ([^>]*)>([^<]*)<\/word>/g)].map(([, tag, text]) => ({
          text: unescape(text!),
          xMin: attribute(tag!, 'xMin'),
          xMax: attribute(tag!, 'xMax'),
          yMin: attribute(tag!, 'yMin'),
          yMax: attribute(tag!, 'yMax')
        }))
        if (words.length > 0) lines.push({words, xMin: words[0]!.xMin, xMax: words.at(-1)!.xMax})
      }
      if (lines.length > 0) blocks.push({lines})
    }
    pages.push({number: index + 1, blocks})
  }
  return pages
}

export interface LineEnd {
  page: number
  /** The word's part before the break, as printed (with its hyphen). */
  before: string
  /** The part after the break, at the start of the next line. */
  after: string
  /** A hyphen the manuscript has (cease-fire), not one hyphenation added. */
  hard: boolean
}

export interface LooseLine {
  page: number
  text: string
  /** Its word space over the page's median. */
  ratio: number
}

export interface LineBreakReport {
  lines: number
  /** Every line that ends in a hyphen, hard or added, in a running paragraph. */
  hyphenated: LineEnd[]
  /** Runs of three or more hyphenated lines in a row (the hyphenated line ends of each). */
  ladders: LineEnd[][]
  /** Added breaks that leave fewer letters than the minimums before or after. */
  shortFragments: LineEnd[]
  /** Added breaks in a word in capitals or with digits. */
  brokenCapitals: LineEnd[]
  loose: LooseLine[]
  pages: number
}

export interface MeasureOptions {
  /** The manuscript's text: a line-end hyphen between two parts it writes with a hyphen is hard. */
  source: string
  /** Fewest letters before and after an added break. */
  minimums?: {before: number; after: number}
  /** Pages not to measure (a contents page's leaders are not word spaces). */
  skipPages?: (page: Page) => boolean
  /** A line is loose when its word space exceeds the page's median by this factor. */
  looseness?: number
}

const hyphens = /[-\u2010\u00AD]$/u
const letters = (text: string) => [...text].filter((character) => /\p{L}/u.test(character)).length

/** The word's letters that a break leaves on each side. */
function fragments(before: string, after: string): {before: string; after: string} {
  return {
    before: /[\p{L}\p{M}]+$/u.exec(before.replace(/[-\u2010\u00AD]$/u, '').split(/[\u00AD]/).join(''))?.[0] ?? '',
    after: /^[\p{L}\p{M}]+/u.exec(after.replaceAll('\u00AD', ''))?.[0] ?? ''
  }
}

/** Faults of line breaking in a PDF's running text. */
export function measureLineBreaks(pages: Page[], options: MeasureOptions): LineBreakReport {
  const minimums = options.minimums ?? {before: 2, after: 3}
  const looseness = options.looseness ?? 1.6
  const source = options.source.normalize('NFC')
  const report: LineBreakReport = {lines: 0, hyphenated: [], ladders: [], shortFragments: [], brokenCapitals: [], loose: [], pages: pages.length}
  for (const page of pages) {
    if (options.skipPages?.(page)) continue
    // Justified lines: those that reach their block's right edge, except its last.
    const gaps: Array<{line: Line; space: number}> = []
    for (const block of page.blocks) {
      const right = Math.max(...block.lines.map((line) => line.xMax))
      let run: LineEnd[] = []
      for (const [index, line] of block.lines.entries()) {
        report.lines++
        const next = block.lines[index + 1]
        const last = line.words.at(-1)!.text.replace(/\u00AD(?=[-\u2010]$)/u, '')
        if (next && hyphens.test(last) && /\p{L}[-\u2010\u00AD]$/u.test(last) && /^\p{L}/u.test(next.words[0]!.text)) {
          const before = last.replace(/\u00AD(?=.)/gu, '')
          const after = next.words[0]!.text
          const parts = fragments(before, after)
          const hard = /-$/.test(last) && source.includes(`${parts.before}-${parts.after}`)
          const end: LineEnd = {page: page.number, before, after, hard}
          report.hyphenated.push(end)
          run.push(end)
          if (!hard) {
            const word = `${parts.before}${parts.after}`
            if (letters(parts.before) < minimums.before || letters(parts.after) < minimums.after) report.shortFragments.push(end)
            const whole = `${/\S*$/u.exec(before.replace(/[-\u2010\u00AD]$/u, ''))?.[0] ?? ''}${/^\S*/u.exec(after)?.[0] ?? ''}`
            if ((word.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase()) || /\p{N}/u.test(whole)) report.brokenCapitals.push(end)
          }
        } else {
          if (run.length >= 3) report.ladders.push(run)
          run = []
        }
        if (next && line.words.length > 1 && right - line.xMax < 1) {
          const spaces = line.words.slice(1).map((word, at) => word.xMin - line.words[at]!.xMax)
          // Justified text spaces a line evenly; a line with one gap far wider than the rest is a table row or a leader.
          if (Math.max(...spaces) <= 2 * Math.min(...spaces) + 1) {
            gaps.push({line, space: spaces.reduce((sum, space) => sum + space, 0) / spaces.length})
          }
        }
      }
      if (run.length >= 3) report.ladders.push(run)
    }
    if (gaps.length === 0) continue
    // The median over the page's lines of the same type size.
    for (const {line, space} of gaps) {
      const size = line.words[0]!.yMax - line.words[0]!.yMin
      const peers = gaps.filter((gap) => Math.abs(gap.line.words[0]!.yMax - gap.line.words[0]!.yMin - size) < 0.5).map((gap) => gap.space).sort((a, b) => a - b)
      const median = peers[Math.floor(peers.length / 2)]!
      if (peers.length >= 4 && space > looseness * median) {
        report.loose.push({page: page.number, text: line.words.map((word) => word.text).join(' '), ratio: Number((space / median).toFixed(2))})
      }
    }
  }
  return report
}

/** The report in a few numbers, for a message or a table. */
export function summarize(report: LineBreakReport): string {
  const soft = report.hyphenated.filter((end) => !end.hard).length
  return [
    `${report.hyphenated.length} hyphenated line ends (${soft} added) of ${report.lines} lines on ${report.pages} pages`,
    `${report.ladders.length} ladders of 3+${report.ladders.length ? ` (${report.ladders.map((run) => run.map((end) => `${end.before}/${end.after}`).join(' ')).join('; ')})` : ''}`,
    `${report.shortFragments.length} short fragments${report.shortFragments.length ? ` (${report.shortFragments.map((end) => `${end.before}/${end.after}`).join(' ')})` : ''}`,
    `${report.brokenCapitals.length} broken capital or digit words${report.brokenCapitals.length ? ` (${report.brokenCapitals.map((end) => `${end.before}/${end.after}`).join(' ')})` : ''}`,
    `${report.loose.length} loose lines${report.loose.length ? ` (${report.loose.map((line) => `p${line.page} ${line.ratio}x “${line.text.slice(0, 40)}”`).join('; ')})` : ''}`
  ].join('\n')
}
