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
import {createHash} from 'node:crypto'
import {LRUCache} from 'lru-cache'
import type {Page} from 'puppeteer'
import type {InputItem} from 'tex-linebreak'
import {bleed, type PageSize} from '../../document/page-sizes.ts'
import {requireFromProject} from '../../project.ts'
import {digestOf, inPageSource, ordinalsOf, planKey, runsOf, type LaidOutLine, type LineBoxAnswer, type LineBoxChange, type LineBoxRequest, type MeasuredParagraph, type Segment} from './line-boxes.ts'

// A CommonJS bundle whose names Node's ES module loader cannot see.
const {breakLines, MAX_COST, MIN_COST} = requireFromProject('tex-linebreak') as typeof import('tex-linebreak')

/** Hyphenated lines allowed in a row. */
export const hyphenLimit = 2
/** How far print may set a line wider than the screen layout measured it, in CSS pixels. */
const tolerance = 0.6
/**
 * How far a word space may stretch, as a share of its width (TeX's plain
 * format: a half), and what a hyphen costs (TeX's \hyphenpenalty: 50).
 * Measured on the brief at A4, Letter and 6x9in: with these, no more
 * hyphens than Chromium's own breaks and at most one loose line in four
 * pages; a half and 50 gave 10% more hyphens, 1 and 200 loose lines.
 */
const stretch = 0.75
const hyphenCost = 100
/** Knuth–Plass demerits for two hyphens in a row and for a loose line beside a tight one (tex-linebreak adds them unsquared, as TeX does). */
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
 * Evaluated through the DevTools protocol, which works with the page's
 * JavaScript off (it stays off: the page runs no script of its own). The
 * function is sent once a page and kept under a symbol: with the first call
 * after the page loaded (`loaded`), else when the page turns out not to have
 * it. Its answer comes back as one JSON string (the protocol is slow to copy
 * a large object value by value).
 */
async function lineBoxes(page: Page, request: LineBoxRequest, loaded = false): Promise<LineBoxAnswer> {
  const call = (run: string) => `(() => { const run = ${run}; return run ? JSON.stringify(run(${JSON.stringify(request)})) : '' })()`
  const install = `(globalThis[Symbol.for('folio.inPage')] = ${inPageSource})`
  const answer = (await page.evaluate(call(loaded ? install : `globalThis[Symbol.for('folio.inPage')]`))) as string
  if (answer) return JSON.parse(answer) as LineBoxAnswer
  return JSON.parse((await page.evaluate(call(install))) as string) as LineBoxAnswer
}

/**
 * The print page loads unshown on the screen, its faces preloaded
 * (print-page.ts). Before anything is measured or printed, those faces are
 * loaded (a face still loading when the layout asks for it is laid out with
 * a fallback, and laid out again once it comes), and the page is shown at
 * the print's width and laid out. A face the list missed starts loading
 * with that layout, and is waited for: the print's own layout comes too
 * late to load a face (Chromium prints what has loaded).
 */
async function showForMeasuring(page: Page, width: number): Promise<void> {
  await page.evaluate(`(async () => {
    const root = document.documentElement
    const unshown = document.head.querySelector(':scope > style[data-folio-unshown]')
    const faces = JSON.parse(unshown?.dataset.faces ?? '[]')
    await Promise.all(faces.map((face) => document.fonts.load(face.font, face.text).catch(() => [])))
    root.style.setProperty('width', '${width}px')
    if (unshown) unshown.disabled = true
    void root.getBoundingClientRect()
    // Only when a face is loading: the promise otherwise settles a task after the layout, 20–30 ms later.
    if ([...document.fonts].some((face) => face.status === 'loading')) await document.fonts.ready
  })()`)
}

/**
 * What was changed in a page's text to set it well, in order: to make
 * again on the later printings of the same text.
 */
export type LineBreakSettings = LineBoxChange[]

/** What a paragraph's lines are planned from: its measures and segments, each soft hyphen named by its place among the paragraph's. */
interface Paragraph {
  width: number
  indent: number
  space: number
  hyphen: number
  segments: Segment[]
}

const separatorNames: Record<string, Segment['separator']> = {s: 'space', '-': 'soft', h: 'hard', d: 'dash', e: 'end'}

/** A paragraph as `planKey` writes it. */
function paragraphOf(key: string): Paragraph {
  const [width, indent, space, hyphen, separators, widths] = key.split(' ') as [string, string, string, string, string, string]
  let soft = 0
  return {
    width: Number(width),
    indent: Number(indent),
    space: Number(space),
    hyphen: Number(hyphen),
    segments: widths.split(',').map((segmentWidth, index) => {
      const separator = separatorNames[separators[index]!] ?? 'end'
      return {width: Number.parseInt(segmentWidth, 36) / 1000, separator, ...(separator === 'soft' ? {soft: soft++} : {})}
    })
  }
}

/** Lines whose hyphen makes the third (or more) in a row, by index. */
function ladderEnds(lines: LaidOutLine[]): number[] {
  const ends: number[] = []
  let run = 0
  for (const [index, line] of lines.entries()) {
    run = line.end === 'other' ? 0 : run + 1
    if (run > hyphenLimit) {
      ends.push(index)
      run = 0
    }
  }
  return ends
}

/** The soft hyphens to take out so that the line at `index` does not end a ladder. */
function ladderFix(lines: LaidOutLine[], index: number): number[] {
  for (let line = index; line > index - hyphenLimit - 1 && line >= 0; line--) {
    const word = lines[line]!.word
    if (lines[line]!.end === 'soft' && word) return word
  }
  return []
}

/** A paragraph as Knuth and Plass's boxes, glue and penalties: one box per segment, the separator after it. */
function itemsOf(paragraph: Paragraph): {items: InputItem[]; breakAfter: Map<number, number>} {
  const {space, hyphen} = paragraph
  const items: InputItem[] = []
  // Item index of each segment's separator: where a break after it is.
  const breakAfter = new Map<number, number>()
  if (paragraph.indent > 0) items.push({type: 'box', width: paragraph.indent})
  for (const [index, segment] of paragraph.segments.entries()) {
    items.push({type: 'box', width: segment.width})
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
function bestBreaks(paragraph: Paragraph): number[] | undefined {
  const {items, breakAfter} = itemsOf(paragraph)
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
 * Best breaks found by this process, by what they are found from: a watch
 * rebuild sets most paragraphs as the last build measured them (finding
 * their breaks again was two thirds of the line setting's own time on the
 * 50x work). With them, whether Chromium followed them, in the layout
 * context it was seen in (`LineBoxAnswer.layoutContext`): a paragraph's
 * lines depend only on its measures and the page's style sheets when
 * nothing floats, so a rebuild lays out and checks only the paragraphs it
 * has not seen (laying out every changed paragraph again to check it cost a
 * third of the line setting).
 */
export interface KeptPlan {
  breaks: number[] | undefined
  followed?: {context: string; followed: boolean}
}

/** A plan as this process holds it. */
interface Plan extends KeptPlan {
  /** What it was found from (`planKey`). */
  key: string
  /** What makes Chromium follow it (`enforce`), soft hyphens by their place in the paragraph; null when nothing does. Found when first needed. */
  changes?: LineBoxChange[] | null
}

/**
 * The plans, by the digest of their keys (`digestOf`): the page sends only
 * the digest of a paragraph whose plan is held here (its segments came to
 * 770 kB on the 50x work, a tenth of a second to cross). The least recently
 * used go first once the keys pass 16 MB.
 */
const kept = new LRUCache<string, Plan>({maxSize: 16 * 1024 * 1024, sizeCalculation: (plan) => Math.max(1, plan.key.length)})

/** Moves each time this process finds a plan, sees whether Chromium followed one or measures a paragraph: line-plans-kept.ts writes a file only when it has. */
let revision = 0
export function plansRevision(): number {
  return revision
}

/** What a new process starts with: no plans kept (line-plans-kept.ts, for its tests). */
export function forgetPlans(): void {
  kept.clear()
  measuredBefore.clear()
  revision++
}

/** Plans found by another process (line-plans-kept.ts), by their keys, kept as if found by this one; those this process found stay. */
export function keepPlans(plans: Iterable<[string, KeptPlan]>): void {
  for (const [key, plan] of plans) {
    const digest = digestOf(key)
    if (!kept.has(digest)) kept.set(digest, {...plan, key})
  }
}

/** Paragraphs measured by another process (line-plans-kept.ts), by what they were measured from, kept as if measured by this one. */
export function keepMeasures(measures: Iterable<[string, MeasuredBefore]>): void {
  for (const [key, before] of measures) if (!measuredBefore.has(key)) measuredBefore.set(key, before)
}

/** What the lines of a print were set from, for the next process (line-plans-kept.ts): plans by their keys, paragraphs' measures by what they were measured from. */
export interface LinesUsed {
  plans: Map<string, KeptPlan>
  measures: Map<string, MeasuredBefore>
}

export function linesUsed(): LinesUsed {
  return {plans: new Map(), measures: new Map()}
}

/** The plan for a paragraph measured as `key` says, found now if none is held. */
function planFor(key: string): Plan {
  const digest = digestOf(key)
  let plan = kept.get(digest)
  if (!plan) {
    plan = {key, breaks: bestBreaks(paragraphOf(key))}
    kept.set(digest, plan)
    revision++
  }
  return plan
}

/** The best breaks for a paragraph of these measures and segments, kept as a page's would be. */
export function keptBreaks(measures: {width: number; indent: number; space: number; hyphen: number}, segments: {widths: string; separators: string}): number[] | undefined {
  return planFor(planKey(measures.width, measures.indent, measures.space, measures.hyphen, segments.separators, segments.widths)).breaks
}

/** The changes of a plan, for the paragraph it is used in: its index, and its soft hyphens by ordinal. */
function changesFor(plan: Plan, paragraph: MeasuredParagraph): LineBoxChange[] | undefined {
  if (plan.changes === undefined) plan.changes = (plan.breaks && enforce(paragraphOf(plan.key), plan.breaks)) ?? null
  if (!plan.changes) return undefined
  const softs = ordinalsOf(paragraph.softs)
  return plan.changes.map((change) => ({
    paragraph: paragraph.index,
    ...(change.remove ? {remove: runsOf(ordinalsOf(change.remove).map((place) => softs[place]!))} : {}),
    ...(change.glue ? {glue: {index: paragraph.index, segment: change.glue.segment}} : {})
  }))
}

/**
 * The changes that make Chromium's line breaker, which fills each line as
 * far as it can, break after the chosen segments: every soft hyphen but
 * the chosen ones goes, and after each break the words that would still fit
 * on the line are joined to the next by no-break spaces, until what follows
 * the break no longer fits even if print sets it a hair narrower. Undefined
 * when that would take a dash or a hyphen of the text.
 */
function enforce(paragraph: Paragraph, breaks: number[]): LineBoxChange[] | undefined {
  // Found once for the plan, whatever paragraph it is used in: `changesFor` names that one.
  const index = 0
  const {segments, space, hyphen} = paragraph
  const chosen = new Set(breaks)
  const changes: LineBoxChange[] = [
    {remove: runsOf(segments.flatMap((segment, index) => (segment.separator === 'soft' && !chosen.has(index) ? [segment.soft!] : [])))}
  ]
  let start = 0
  for (const [index, end] of breaks.entries()) {
    // The natural width of the planned line.
    let used = index === 0 ? paragraph.indent : 0
    for (let segment = start; segment <= end; segment++) {
      used += segments[segment]!.width
      if (segment < end && segments[segment]!.separator === 'space') used += space
    }
    const next = breaks[index + 1] ?? segments.length - 1
    let extra = segments[end]!.separator === 'space' ? space : 0
    for (let segment = end + 1; segment <= next; segment++) {
      extra += segments[segment]!.width
      const separator = segments[segment]!.separator
      const taken = separator === 'soft' && chosen.has(segment) ? hyphen : 0
      if (used + extra + taken > paragraph.width + tolerance) break
      // A break here would still fit on the planned line: it may not be there.
      if (segment === next) return undefined
      if (separator === 'space') {
        changes.push({glue: {index, segment: segment + 1}})
        extra += space
      } else if (separator !== 'soft') return undefined
    }
    start = end + 1
  }
  return changes
}

/** How a page's lines were set: paragraphs, those measured now (the others were measured before), planned by Knuth–Plass, seen followed by an earlier build, and laid out and checked now (and how many of these Chromium did not follow). */
export interface LinesSet {
  paragraphs: number
  measured: number
  planned: number
  followedBefore: number
  checked: number
  failed: number
}

/**
 * Paragraphs this process measured, by what they were measured from
 * (`LineBoxAnswer.sources`), in which layout context, with which faces: a
 * rebuild measures only the paragraphs it has not seen (measuring the 50x
 * work's words took 120 ms of its line setting). A paragraph's soft hyphens
 * are kept by their places among all of its own.
 */
export interface MeasuredBefore {
  measured: Omit<MeasuredParagraph, 'index' | 'softs'>
  places: number[]
}
/**
 * Entries counted as a size: given `max`, lru-cache sets out its arrays for
 * every entry at once, which took 30–40 ms of every process that loads the
 * PDF edition, before its page could be asked for.
 */
const measuredBefore = new LRUCache<string, MeasuredBefore>({maxSize: 200_000, sizeCalculation: () => 1})

export interface LineSetting {
  /**
   * The page's faces beyond its style sheets (a digest of the font files it
   * was served): with it, paragraphs measured before in the same layout
   * context are not measured again.
   */
  faces?: () => string
  /** Told how the lines were set. */
  onSet?: (figures: LinesSet) => void
  /** Collects the plans and measures of the paragraphs set: to keep for the next process (line-plans-kept.ts). */
  used?: LinesUsed
}

/**
 * Lay out the loaded print page and set each justified paragraph as
 * Knuth–Plass would; in the others, undo ladders of hyphens. Only the soft
 * hyphens at a line's end stay. Returns what was changed; leaves the page
 * as it is to be printed.
 */
export async function settleLineBreaks(page: Page, width: number, setting: LineSetting = {}): Promise<LineBreakSettings> {
  const started = performance.now()
  await showForMeasuring(page, width)
  const {sources, layoutContext: context} = await lineBoxes(page, {width, sources: true}, true)
  // As a digest: the list of files served is long for a work of many images, and it is in every paragraph's key.
  const served = setting.faces?.()
  const faces = served === undefined ? undefined : createHash('sha256').update(served).digest('base64')
  const sourceKey = (index: number) => (context && faces !== undefined ? `${context}\n${faces}\n${sources![index]!.digest}` : undefined)
  const paragraphs: MeasuredParagraph[] = []
  const unmeasured: number[] = []
  for (const [index, source] of sources!.entries()) {
    const key = sourceKey(index)
    const before = key === undefined ? undefined : measuredBefore.get(key)
    const all = before && ordinalsOf(source.softs)
    // A soft hyphen's place beyond the paragraph's could only come from a kept file not written whole.
    if (!before || !before.places.every((place) => place < all!.length)) unmeasured.push(index)
    else {
      setting.used?.measures.set(key!, before)
      paragraphs[index] = {...before.measured, index, softs: runsOf(before.places.map((place) => all![place]!))}
    }
  }
  if (unmeasured.length > 0) {
    for (const measured of (await lineBoxes(page, {words: unmeasured})).paragraphs) {
      paragraphs[measured.index] = measured
      const key = sourceKey(measured.index)
      if (key === undefined) continue
      const places = new Map(ordinalsOf(sources![measured.index]!.softs).map((ordinal, place) => [ordinal, place]))
      const {index: _, softs, ...rest} = measured
      const before = {measured: rest, places: ordinalsOf(softs).map((ordinal) => places.get(ordinal)!)}
      measuredBefore.set(key, before)
      setting.used?.measures.set(key, before)
      revision++
    }
  }
  // Each justified paragraph broken as a whole, and kept where Chromium follows: by the plan held
  // under its digest, else found from its segments.
  const held = new Map<number, Plan>()
  const unheld: number[] = []
  for (const paragraph of paragraphs) {
    if (!paragraph.digest) continue
    const plan = kept.get(paragraph.digest)
    if (plan) held.set(paragraph.index, plan)
    else unheld.push(paragraph.index)
  }
  if (unheld.length > 0) {
    for (const {index, widths, separators} of (await lineBoxes(page, {segments: unheld})).segments) {
      const {width: measure, indent, space, hyphen} = paragraphs[index]!
      held.set(index, planFor(planKey(measure, indent, space, hyphen, separators, widths)))
    }
  }
  const planned = new Map<number, {starts: number[]; changes: LineBoxChange[]; kept: Plan}>()
  for (const paragraph of paragraphs) {
    const plan = held.get(paragraph.index)
    if (!plan) continue
    setting.used?.plans.set(plan.key, plan)
    const changes = changesFor(plan, paragraph)
    if (changes) planned.set(paragraph.index, {starts: plan.breaks!.map((segment) => segment + 1), changes, kept: plan})
  }
  // Whether Chromium follows each plan: seen in this layout context before, else laid out and checked now.
  const follows = new Map<number, boolean>()
  for (const [index, plan] of planned) if (context && plan.kept.followed?.context === context) follows.set(index, plan.kept.followed.followed)
  const followedBefore = [...planned].filter(([index]) => follows.get(index) === true)
  const checking = [...planned].filter(([index]) => !follows.has(index))
  const {verified} = await lineBoxes(page, {
    changes: checking.flatMap(([, plan]) => plan.changes),
    verify: checking.map(([index, plan]) => ({index, starts: plan.starts}))
  })
  for (const [at, [index, plan]] of checking.entries()) {
    follows.set(index, verified[at]!)
    if (context) plan.kept.followed = {context, followed: verified[at]!}
    revision++
  }
  const failed = checking.filter((_, at) => !verified[at]).map(([index]) => index)
  const settings: LineBreakSettings = [...planned].filter(([index]) => follows.get(index)).flatMap(([, plan]) => plan.changes)
  // The others as Chromium breaks them: ladders undone, the soft hyphens not taken out.
  const others = paragraphs.map((paragraph) => paragraph.index).filter((index) => follows.get(index) !== true)
  let lines = others.length > 0 ? (await lineBoxes(page, {revert: failed, lines: others})).lines : []
  for (let round = 0; round < maxRounds; round++) {
    const remove = runsOf(lines.flatMap((paragraph) => ladderEnds(paragraph.lines).flatMap((index) => ladderFix(paragraph.lines, index))))
    if (remove.length === 0) break
    const measure = lines.filter((paragraph) => ladderEnds(paragraph.lines).length > 0).map((paragraph) => paragraph.index)
    settings.push({remove})
    const again = (await lineBoxes(page, {changes: [{remove}], lines: measure})).lines
    lines = lines.map((paragraph) => again.find((other) => other.index === paragraph.index) ?? paragraph)
  }
  const taken = new Set(lines.flatMap((paragraph) => paragraph.lines.flatMap((line) => (line.end === 'soft' && line.soft !== undefined ? [line.soft] : []))))
  const otherIndexes = new Set(others)
  const notTaken = paragraphs
    .filter((paragraph) => otherIndexes.has(paragraph.index))
    .flatMap((paragraph) => ordinalsOf(paragraph.softs).filter((soft) => !taken.has(soft)))
  if (notTaken.length > 0) settings.push({remove: runsOf(notTaken)})
  // The plans followed before are made last: nothing measured after them depends on them.
  await lineBoxes(page, {changes: [...followedBefore.flatMap(([, plan]) => plan.changes), ...(notTaken.length > 0 ? [{remove: runsOf(notTaken)}] : [])], done: true})
  const figures = {paragraphs: paragraphs.length, measured: unmeasured.length, planned: planned.size, followedBefore: followedBefore.length, checked: checking.length, failed: failed.length}
  setting.onSet?.(figures)
  if (process.env.FOLIO_DEBUG_LINES) console.error(`line breaking: ${JSON.stringify(figures)}, ${Math.round(performance.now() - started)} ms`)
  // The changes again, as they are made on a later printing: without the paragraphs' tags.
  return settings.map(({paragraph: _, ...change}) => change)
}

/** Make the changes of `settleLineBreaks` to a loaded print page of the same text, laid out at `width`. */
export async function applyLineBreaks(page: Page, settings: LineBreakSettings, width: number): Promise<void> {
  await showForMeasuring(page, width)
  await lineBoxes(page, {changes: settings, done: true}, true)
}
