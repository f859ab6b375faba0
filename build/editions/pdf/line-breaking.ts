/**
 * Line breaking a typesetter would sign off, on top of Chromium's line
 * breaker, which fills each line in turn and knows none of the rules of the
 * trade. The print page is laid out at the width of the printed page's
 * text, its paragraphs are read back (line-boxes.ts), and each justified
 * paragraph is broken again as a whole by the Knuth–Plass algorithm (npm
 * `tex-linebreak`): the breaks that give the evenest word spaces, with few
 * hyphens and never more than two hyphenated lines in a row. Chromium is
 * then made to take those breaks: a word that would otherwise come up to a
 * line is joined to the next by a no-break space, and the soft hyphens it
 * would take instead are taken out. A paragraph that does not come out as
 * planned is left to Chromium, with only its ladders of hyphens undone.
 *
 * The rules that need no layout (fewest letters before and after a break,
 * no break in capitals, in a word with digits, in headings, captions and the
 * like) are kept when the soft hyphens are inserted (hyphenation.ts).
 *
 * Chromium's screen layout and its print layout agree on nearly every line,
 * not on all: when it prints, text comes out a hair (up to about 0.4 px a
 * line) narrower or wider. Lines are planned that much short of the measure,
 * and nothing depends on the layout for the text layer (text-layer.ts
 * repairs that from the PDF).
 */
import type {Page} from 'puppeteer'
import type {InputItem} from 'tex-linebreak'
import {bleed, type PageSize} from '../../document/page-sizes.ts'
import {requireFromProject} from '../../project.ts'
import {inPage, type LineBoxChange, type LineBoxRequest, type MeasuredParagraph} from './line-boxes.ts'

// A CommonJS bundle whose names Node's ES module loader cannot see.
const {breakLines, MAX_COST, MIN_COST} = requireFromProject('tex-linebreak') as typeof import('tex-linebreak')

/** Hyphenated lines allowed in a row. */
export const hyphenLimit = 2
/** How far print may set a line wider than the screen layout measured it, in CSS pixels. */
const tolerance = 0.6
/** How far a word space may stretch, as a share of its width (TeX's plain format: a half). */
const stretch = 0.5
/** Knuth–Plass demerits (Knuth and Plass 1981; tex-linebreak adds them unsquared, as TeX does). */
const hyphenCost = 100
const doubleHyphenDemerits = 10000
const adjacentLooseTightDemerits = 5000
/** Rounds of a paragraph broken again to undo a ladder. */
const maxRounds = 6

/**
 * The width Chromium lays the text out at when it prints: the page and its
 * margins in CSS pixels, in its layout units (1/64 px), the page's width
 * rounded and the margins floored (measured on A4, Letter and 6x9in).
 */
export function printWidth(pageSize: PageSize, printReady: boolean): number {
  const extra = printReady ? bleed : 0
  // As page-style.ts writes them: millimetres with three decimals.
  const units = (millimetres: number) => ((Number(millimetres.toFixed(3)) * 96) / 25.4) * 64
  const width = Math.round(units(pageSize.width + 2 * extra))
  return (width - Math.floor(units(pageSize.margin.inner + extra)) - Math.floor(units(pageSize.margin.outer + extra))) / 64
}

/**
 * `inPage` as source. A compiler that keeps function names (tsx does) calls
 * its own `__name` helper inside: the page gets one that does nothing.
 */
const inPageSource = `(request) => { const __name = (target) => target; return (${inPage.toString()})(request) }`

/**
 * Evaluated through the DevTools protocol, which works with the page's
 * JavaScript off (it stays off: the page runs no script of its own).
 */
async function lineBoxes(page: Page, request: LineBoxRequest): Promise<MeasuredParagraph[]> {
  return page.evaluate(`(${inPageSource})(${JSON.stringify(request)})`) as Promise<MeasuredParagraph[]>
}

/**
 * What was changed in a page's text and style to set it well, in order: to
 * make again on the later printings of the same text.
 */
export type LineBreakSettings = LineBoxChange[]

/** Lines whose hyphen makes the third (or more) in a row, by index. */
function ladderEnds(paragraph: MeasuredParagraph): number[] {
  const ends: number[] = []
  let run = 0
  for (const [index, line] of paragraph.lines.entries()) {
    run = line.end === 'other' ? 0 : run + 1
    if (run > hyphenLimit) {
      ends.push(index)
      run = 0
    }
  }
  return ends
}

/** The soft hyphens to take out so that the line at `index` does not end a ladder. */
function ladderFix(paragraph: MeasuredParagraph, index: number): number[] {
  for (let line = index; line > index - hyphenLimit - 1 && line >= 0; line--) {
    const word = paragraph.lines[line]!.word
    if (paragraph.lines[line]!.end === 'soft' && word) return word
  }
  return []
}

/** A paragraph as Knuth and Plass's boxes, glue and penalties: one box per segment, the separator after it. */
function itemsOf(paragraph: MeasuredParagraph): {items: InputItem[]; breakAfter: Map<number, number>} | undefined {
  const {segments, lines} = paragraph
  const space = paragraph.space ?? paragraph.fontSize * 0.25
  const hyphen = paragraph.hyphen ?? paragraph.fontSize * 0.33
  const items: InputItem[] = []
  // Item index of each segment's separator: where a break after it is.
  const breakAfter = new Map<number, number>()
  // The first line's indent, as a box.
  if (segments[0] && segments[0].x > 0.01) items.push({type: 'box', width: segments[0].x})
  for (const [index, segment] of segments.entries()) {
    const next = segments[index + 1]
    const separator = segment.separator === 'space' ? space : 0
    const width = next && next.line === segment.line ? next.x - segment.x - separator : lines[segment.line]!.right - segment.x
    if (!(width >= 0)) return undefined
    items.push({type: 'box', width})
    breakAfter.set(index, items.length)
    if (segment.separator === 'space') items.push({type: 'glue', width: space, stretch: space * stretch, shrink: 0})
    else if (segment.separator === 'soft') items.push({type: 'penalty', width: hyphen, cost: hyphenCost, flagged: true})
    else if (segment.separator === 'hard') items.push({type: 'penalty', width: 0, cost: hyphenCost, flagged: true})
    else if (segment.separator === 'dash') items.push({type: 'penalty', width: 0, cost: 0, flagged: false})
  }
  items.push({type: 'glue', width: 0, stretch: 1e6, shrink: 0}, {type: 'penalty', width: 0, cost: MIN_COST, flagged: false})
  return {items, breakAfter}
}

/** The segments after which the best lines break, with no more than two hyphens in a row; undefined when there is no such. */
function bestBreaks(paragraph: MeasuredParagraph): number[] | undefined {
  const built = itemsOf(paragraph)
  if (!built) return undefined
  const {items, breakAfter} = built
  const segmentAt = new Map([...breakAfter].map(([segment, item]) => [item, segment]))
  const measure = paragraph.width - tolerance
  for (let round = 0; round < maxRounds; round++) {
    let breaks: number[]
    try {
      breaks = breakLines(items, measure, {doubleHyphenPenalty: doubleHyphenDemerits, adjacentLooseTightPenalty: adjacentLooseTightDemerits})
    } catch {
      return undefined
    }
    const chosen = breaks.slice(1, -1).map((item) => segmentAt.get(item))
    if (chosen.some((segment) => segment === undefined)) return undefined
    // A third hyphenated line in a row: that break is forbidden, and the paragraph broken again.
    let run = 0
    let ladder: number | undefined
    for (const item of breaks.slice(1, -1)) {
      const flagged = items[item]!.type === 'penalty' && (items[item] as {flagged: boolean}).flagged
      run = flagged ? run + 1 : 0
      if (run > hyphenLimit) {
        ladder = item
        break
      }
    }
    if (ladder === undefined) return chosen as number[]
    items[ladder] = {type: 'penalty', width: 0, cost: MAX_COST, flagged: false}
  }
  return undefined
}

/**
 * The changes that make Chromium's line breaker, which fills each line as
 * far as it can, break after the chosen segments: after each, the text
 * that would still fit on the line is joined into one unbreakable piece
 * (its spaces made no-break spaces, its soft hyphens taken out), until a
 * piece no longer fits even if print sets it a hair narrower.
 */
function enforce(paragraph: MeasuredParagraph, breaks: number[]): LineBoxChange[] | undefined {
  const {segments} = paragraph
  const built = itemsOf(paragraph)!
  const boxes = built.items
  const width = (segment: number) => {
    const item = boxes[built.breakAfter.get(segment)! - 1]!
    return item.type === 'box' ? item.width : 0
  }
  const space = paragraph.space ?? paragraph.fontSize * 0.25
  const hyphen = paragraph.hyphen ?? paragraph.fontSize * 0.33
  const changes: LineBoxChange[] = []
  let start = 0
  const indent = segments[0] && segments[0].x > 0.01 ? segments[0].x : 0
  for (const [index, end] of breaks.entries()) {
    // The natural width of the planned line.
    let used = index === 0 ? indent : 0
    for (let segment = start; segment <= end; segment++) {
      used += width(segment)
      if (segment < end && segments[segment]!.separator === 'space') used += space
    }
    const next = breaks[index + 1] ?? segments.length - 1
    // What else would fit: join it to what follows until it does not.
    let extra = segments[end]!.separator === 'space' ? space : 0
    for (let segment = end + 1; segment <= next; segment++) {
      extra += width(segment)
      const separator = segments[segment]!.separator
      const taken = separator === 'soft' ? hyphen : 0
      if (used + extra + taken > paragraph.width + tolerance) break
      // This break would fit on the planned line: it may not be taken.
      if (segment === next) return undefined
      if (separator === 'space') changes.push({glue: {index: paragraph.index, start: segments[segment + 1]!.start}})
      else if (separator === 'soft') changes.push({remove: [segments[segment]!.soft!]})
      else return undefined
      if (separator === 'space') extra += space
    }
    start = end + 1
  }
  return changes
}

/** The segment after which each line but the last breaks. */
function breaksOf(paragraph: MeasuredParagraph): number[] {
  const breaks: number[] = []
  for (const [index, segment] of paragraph.segments.entries()) {
    const next = paragraph.segments[index + 1]
    if (next && next.line !== segment.line) breaks.push(index)
  }
  return breaks
}

/** Where each line after the first starts, as text places (which stay put when the text is joined or a soft hyphen taken out). */
function lineStarts(paragraph: MeasuredParagraph, breaks = breaksOf(paragraph)): string[] {
  return breaks.map((segment) => paragraph.segments[segment + 1]!.start.join(':'))
}

/**
 * Lay out the loaded print page and set each justified paragraph as
 * Knuth–Plass would; undo ladders of hyphens in the others. Returns what was
 * changed; leaves the page as it is to be printed.
 */
export async function settleLineBreaks(page: Page, width: number): Promise<LineBreakSettings> {
  const settings: LineBreakSettings = []
  try {
    const measured = await lineBoxes(page, {width})
    // Each justified paragraph broken as a whole, tried out, and kept where Chromium follows.
    const planned = new Map<number, {starts: string[]; changes: LineBoxChange[]}>()
    for (const paragraph of measured) {
      if (!paragraph.justified || paragraph.rtl || paragraph.lines.length < 2) continue
      const breaks = bestBreaks(paragraph)
      if (process.env.FOLIO_DEBUG_LINES) console.error(paragraph.index, 'kp', JSON.stringify(breaks), 'greedy', JSON.stringify(breaksOf(paragraph)), 'segs', paragraph.segments.length, 'space', paragraph.space, 'hyphen', paragraph.hyphen, 'width', paragraph.width, 'items', JSON.stringify(itemsOf(paragraph)?.items.slice(0, 8)))
      if (!breaks || same(breaks, breaksOf(paragraph))) continue
      const changes = enforce(paragraph, breaks)
      if (process.env.FOLIO_DEBUG_LINES) console.error('  changes', JSON.stringify(changes))
      if (changes) planned.set(paragraph.index, {starts: lineStarts(paragraph, breaks), changes})
    }
    const tried = await lineBoxes(page, {changes: [...planned.values()].flatMap((plan) => plan.changes), measure: [...planned.keys()], trial: true})
    const kept = tried.filter((paragraph) => same(planned.get(paragraph.index)!.starts, lineStarts(paragraph)))
    const changes = kept.flatMap((paragraph) => planned.get(paragraph.index)!.changes)
    settings.push(...changes)
    const current = new Map(measured.map((paragraph) => [paragraph.index, paragraph]))
    for (const paragraph of await lineBoxes(page, {changes, measure: kept.map((paragraph) => paragraph.index)})) current.set(paragraph.index, paragraph)
    // Ladders left (in paragraphs set by Chromium alone): the third hyphen goes.
    for (let round = 0; round < maxRounds; round++) {
      const remove = [...current.values()].flatMap((paragraph) => ladderEnds(paragraph).flatMap((index) => ladderFix(paragraph, index)))
      if (remove.length === 0) break
      const measure = [...current.values()].filter((paragraph) => ladderEnds(paragraph).length > 0).map((paragraph) => paragraph.index)
      settings.push({remove})
      for (const paragraph of await lineBoxes(page, {changes: [{remove}], measure})) current.set(paragraph.index, paragraph)
    }
    // Only the soft hyphens at a line's end stay: the others would only reach the PDF's text.
    const [pruned] = await lineBoxes(page, {prune: true})
    settings.push({remove: pruned!.pruned!})
    if (process.env.FOLIO_DEBUG_LINES) console.error(`line breaking: ${measured.length} paragraphs, ${planned.size} planned, ${kept.length} kept, ${pruned!.pruned!.length} soft hyphens not taken`)
  } finally {
    await lineBoxes(page, {done: true})
  }
  return settings
}

function same<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index])
}

/** Make the changes of `settleLineBreaks` to a loaded print page of the same text. */
export async function applyLineBreaks(page: Page, settings: LineBreakSettings): Promise<void> {
  if (settings.length === 0) return
  await lineBoxes(page, {changes: settings, measure: []})
  await lineBoxes(page, {done: true})
}
