/**
 * A long work printed in parts and merged (merge-parts.ts). One print of a
 * whole long book is superlinear in its length (3,862 A4 pages cost
 * Chromium 2.2 times the CPU of the same pages printed in 17 parts) and
 * needs more than 2 GB in the renderer alone; printed in parts, its memory
 * is bounded by a part, and progress can be told after each.
 *
 * The print page is cut only where a page break is forced anyway (before a
 * part's title page or a chapter), so every page is laid out as in one
 * print. Each part is a page of its own on the virtual origin, whose lines
 * are settled on it (line-breaking.ts): the first keeps the cover, the
 * title pages and the contents, the last the colophon, every part the
 * hidden element that loads the running head's fonts. Folios continue
 * across parts: `counter(page)` cannot be offset in Chromium (a
 * `counter-reset` on `@page` is not carried to the next page), so folios
 * are written with the counter style `folio` (page-style.ts), which a later
 * part replaces by one whose symbols are its page numbers. On book sizes a
 * part opens on a right-hand page (the merge adds an empty verso), and
 * blank versos before its openers are settled part by part. A link to
 * another part is printed as a link to `crossLink#id` (Chromium drops a
 * link whose target is not in the page) and made internal by the merge; a
 * hidden list of links to every element of the part that something links
 * to makes Chromium write a named destination for each.
 *
 * The front pages (cover, title pages, contents) are the first part, without
 * text: a long work's contents printed with a part of its text took that
 * part's renderer to three times the memory of any other.
 *
 * Two parts are loaded at a time (the next one loads and settles its lines
 * while one prints); parts print in order, since each needs the pages
 * before it. A part's page is closed once printed (a renderer gives its
 * memory back only when it ends), the first's too: once every part is
 * printed, it is loaded again (its lines as they were set) for the
 * contents' numbers, printed with the front pages only and spliced in, as
 * contents-pages.ts does for a work printed whole.
 * See docs/decisions/0015-printing-in-parts.md.
 */
import type {Element, ElementContent, Root} from 'hast'
import {h} from 'hastscript'
import {toHtml} from 'hast-util-to-html'
import {PDFDocument} from 'pdf-lib'
import type {Page} from 'puppeteer'
import {visit} from 'unist-util-visit'
import type {BrowserService} from '../../browser/browser-service.ts'
import {evaluateIsolated} from '../../browser/isolated-world.ts'
import type {Progress} from '../../browser/stall-watch.ts'
import {noting, origin, type Site} from '../../browser/virtual-origin.ts'
import type {ContentsEntry} from '../../document/contents.ts'
import {firstElement} from '../../document/first-element.ts'
import {fastLoad, spliceFrontPages} from './contents-pages.ts'
import {locateHeadings, type Headings} from './finish.ts'
import {applyLineBreaks, settleLineBreaks, type LineBreakSettings, type LinesUsed} from './line-breaking.ts'
import {PartsMerger} from './merge-parts.ts'
import {firstPageRule} from './page-style.ts'
import {addStyle, fillNumbers, widenNumberBoxes} from './page-scripts.ts'

/** Words a part holds, about: a renderer prints 100,000 words in well under a gigabyte. */
export const defaultWordsPerPart = 100_000

const emptyRoot: Root = {type: 'root', children: []}

/** Where links between parts point while they are printed apart. */
export const crossLink = `${origin}/`

/** One part of the print page: its blocks of `main#folio-text`, and what it holds. */
export interface PrintPart {
  /** The part's page, without the blank versos decided later (let go once it is printed). */
  tree: Root
  /** Words of text in it. */
  words: number
  /** Ids of the elements in it. */
  ids: Set<string>
}

/**
 * Cut the print page (printPage's tree, made with `inParts`) into parts of
 * about `wordsPerPart` words, between the blocks of `main#folio-text` that
 * open a new page. Undefined when it stays whole: one block (one chapter,
 * no parts), or not more words than one part.
 */
export function splitPrintPage(page: Root, wordsPerPart: number): PrintPart[] | undefined {
  const main = firstElement(page, (element) => element.properties.id === 'folio-text')
  const body = firstElement(page, (element) => element.tagName === 'body')
  if (!main || !body) return undefined
  const blocks = main.children
  // Groups that start a new page: a part's title page stays with the chapter after it
  // (it ends with a page break, which would leave an empty page at the end of a part).
  const groups: ElementContent[][] = []
  let current: ElementContent[] = []
  let held = false
  for (const block of blocks) {
    const element = block.type === 'element' ? block : undefined
    const classes = classesOf(element)
    const opens = element?.tagName === 'section' && (classes.includes('chapter') || classes.includes('part-page'))
    if (opens && !held && current.some((item) => item.type === 'element')) {
      groups.push(current)
      current = []
    }
    current.push(block)
    if (element) held = element.tagName === 'section' && classes.includes('part-page')
  }
  if (current.length > 0) groups.push(current)
  const sizes = groups.map((group) => group.reduce((sum, block) => sum + countWords(block), 0))
  const total = sizes.reduce((sum, size) => sum + size, 0)
  const count = Math.min(groups.length, Math.ceil(total / wordsPerPart))
  if (count < 2) return undefined
  // Cut where the running total passes each multiple of total / count.
  const ranges: Array<[number, number]> = []
  let start = 0
  let sum = 0
  for (let index = 0; index < groups.length; index++) {
    sum += sizes[index]!
    if (sum >= (total * (ranges.length + 1)) / count && index + 1 < groups.length && ranges.length + 1 < count) {
      ranges.push([start, index + 1])
      start = index + 1
    }
  }
  ranges.push([start, groups.length])

  const everywhere = idsIn(body)
  const targets = new Set<string>()
  visit(page, 'element', (element) => {
    const href = element.properties.href
    if (element.tagName === 'a' && typeof href === 'string' && href.startsWith('#')) targets.add(decoded(href.slice(1)))
  })
  // The page without its text, copied for each part: copying the whole page for each would grow with parts × words.
  const bodyChildren = body.children
  main.children = []
  body.children = []
  const frame = structuredClone(page)
  body.children = bodyChildren
  main.children = blocks
  const mainAt = bodyChildren.indexOf(main)
  // The front pages (cover, title pages, contents) are a part of their own when they end with the contents, which
  // ends with a page break (print.css): printed with a part of the text, a long work's contents took that part's renderer
  // from 300 MB to 900 (one print is superlinear in its length); alone, they take about 400.
  const front = bodyChildren.slice(0, mainAt).some((child) => child.type === 'element' && child.tagName === 'nav' && classesOf(child).includes('toc'))
  const cuts: Array<[number, number]> = front ? [[0, 0], ...ranges] : ranges
  return cuts.map(([from, to], index) => {
    const last = index === cuts.length - 1
    const part = structuredClone(frame)
    visit(part, 'element', (element) => {
      if (element.tagName !== 'style' || index === 0) return
      // A part after the first starts with a page that has its head and folio.
      for (const child of element.children) if (child.type === 'text') child.value = child.value.replace(firstPageRule, '')
    })
    const partBody = firstElement(part, (element) => element.tagName === 'body')!
    // The front pages' `main` is empty and not shown: after the contents' page break, an empty box would open a page.
    const partMain = to > from ? {...main, children: groups.slice(from, to).flat()} : {...main, properties: {...main.properties, hidden: true}, children: []}
    // The cover, title pages and contents are the first part's (its `main` empty when they are a part of their own), the
    // colophon the last's; the running head's fonts every part's:
    // at the start of the body but in the last part (an element placed after a part's last line may open a page of its own).
    const fonts = last ? [] : bodyChildren.filter((child) => isMarginFonts(child))
    partBody.children = structuredClone([
      ...fonts,
      ...(index === 0 ? bodyChildren.slice(0, mainAt).filter((child) => !isMarginFonts(child)) : []),
      partMain,
      ...(last ? bodyChildren.slice(mainAt + 1) : [])
    ])
    const ids = idsIn(partBody)
    visit(partBody, 'element', (element) => {
      const href = element.properties.href
      if (element.tagName !== 'a' || typeof href !== 'string' || !href.startsWith('#')) return
      // A link to an id that is nowhere stays as it is: Chromium leaves it out, as from the whole print.
      const id = decoded(href.slice(1))
      if (!ids.has(id) && everywhere.has(id)) {
        element.properties.href = crossLink + href
      }
    })
    const linked = [...ids].filter((id) => targets.has(id)).sort()
    partBody.children.push(h('nav', {hidden: true, ariaHidden: 'true', className: ['folio-destinations']}, linked.map((id) => h('a', {href: `#${id}`}))))
    return {tree: part, words: sizes.slice(from, to).reduce((words, size) => words + size, 0), ids}
  })
}

/** A part's page with a blank page before each opener named (a part's title or a chapter's first element). */
export function partHtml(part: PrintPart, blanks: Set<string>): string {
  if (blanks.size === 0) return toHtml(part.tree)
  const main = firstElement(part.tree, (element) => element.properties.id === 'folio-text')!
  const blocks = main.children
  main.children = blocks.flatMap((block) => {
    const opener = block.type === 'element' && block.tagName === 'section' && [...blanks].some((id) => firstElement(block, (element) => element.properties.id === id))
    return opener ? [h('div', {className: ['blank-page'], ariaHidden: 'true'}), block] : [block]
  })
  try {
    return toHtml(part.tree)
  } finally {
    main.children = blocks
  }
}

export interface PartsPrintOptions {
  browser: BrowserService
  /** Collects the line plans and measures of the paragraphs set (line-plans-kept.ts). */
  used?: LinesUsed
  parts: PrintPart[]
  /** The site a part's page is served from (its images, the fonts), with the page's HTML as it is now. */
  site: (html: () => string) => Site
  /** Print the page as it is now. */
  print: (page: Page) => Promise<Uint8Array>
  /** The width lines are set to (line-breaking.ts). */
  width: number
  /** The contents' entries (where the openers are found), and whether the first part prints them with page numbers. */
  contents: ContentsEntry[]
  toc: boolean
  /** Figures a contents page number's box holds (3, or 5 in a `.toc-wide` contents). */
  digits: number
  /** Book sizes: a part opens on a right-hand page, and these (parts' titles, chapters) do too. */
  book: boolean
  openers: string[]
  /** What is printed, for messages ("printing the PDF of brief"). */
  description: string
  /** Parts loaded or printing at once. */
  concurrency: number
  /** A fresh page (so a fresh renderer) for each part, closed once printed, instead of pages kept and emptied. */
  closeAfter?: boolean
  /** Stops every part's job when the print is no longer wanted (watch mode: a newer save). */
  signal?: AbortSignal | undefined
  /** The edition's stage, for progress on screen. */
  stage: (what: string) => void
  /** Told after each part is printed. */
  onPages?: (printed: PartPrinted) => void
  /** Told when a part's page is asked to load (the browser job's `onLoading`). */
  onLoading?: () => void
}

/** A part printed: the pages so far, and the words, for an estimate of the pages of the whole. */
export interface PartPrinted {
  part: number
  parts: number
  /** Pages printed so far, in all the parts up to this one. */
  pages: number
  wordsSoFar: number
  wordsInAll: number
}

/** The merged print, or why the contents' numbers could not be spliced in (the caller prints the work whole then). */
export type PartsPrint = {pdf: PDFDocument; headings: Headings} | {reason: string}

export async function printInParts(options: PartsPrintOptions): Promise<PartsPrint> {
  const {parts, contents} = options
  let merger: PartsMerger | undefined
  let pages = 0
  // Part k prints once part k - 1 has: only then is its first page number known.
  const printed = parts.map(() => deferred())
  // A failure anywhere stops the parts waiting for it.
  const failed = deferred()
  failed.promise.catch(() => undefined)
  const waitFor = (promise: Promise<void>) => Promise.race([promise, failed.promise])
  let slots = Math.max(1, options.concurrency)
  const queue: Array<() => void> = []
  const acquire = () => (slots > 0 ? (slots--, Promise.resolve()) : new Promise<void>((resolve) => queue.push(resolve)))
  const release = () => (queue.length > 0 ? queue.shift()!() : slots++)
  // Every job's stall watch hears of every part printed.
  const watches = new Set<Progress>()
  const wordsInAll = parts.reduce((sum, part) => sum + part.words, 0)
  let wordsSoFar = 0

  const printPart = async (index: number, page: Page, progress: Progress, reload: (blanks: Set<string>) => Promise<void>) => {
    // On book sizes a part opens on a right-hand page: an odd page number.
    if (options.book && pages % 2 === 1) {
      merger!.addBlankPage()
      pages++
    }
    const folios = folioCounter(pages, parts[index]!.words)
    const prepare = async () => {
      if (index > 0) await evaluateIsolated(page, addStyle, folios)
    }
    await prepare()
    const own = flatten(contents).filter((entry) => parts[index]!.ids.has(entry.id))
    let blanks = new Set<string>()
    let pdf: PDFDocument
    for (let pass = 1; ; pass++) {
      progress(`printing part ${index + 1} of ${parts.length}`)
      pdf = await PDFDocument.load(await options.print(page), fastLoad)
      progress('reading the print back')
      if (!options.book || pass >= 4) break
      const local = locateHeadings(pdf, own).pages
      const next = rectoBlanks(
        options.openers.filter((id) => parts[index]!.ids.has(id)),
        new Map([...local].map(([id, number]) => [id, number + pages])),
        blanks
      )
      if (sameSet(next, blanks)) break
      blanks = next
      progress('placing blank pages')
      await reload(blanks)
      await prepare()
    }
    pages += pdf.getPageCount()
    if (merger) merger.add(pdf)
    else merger = new PartsMerger(pdf, crossLink)
    wordsSoFar += parts[index]!.words
    options.onPages?.({part: index + 1, parts: parts.length, pages, wordsSoFar, wordsInAll})
    for (const watch of watches) watch()
  }

  // What loads the first part again for the contents' numbers: its blank versos and its lines as they were printed.
  let first: {blanks: Set<string>; lineBreaks: LineBreakSettings} | undefined

  const setContents = async (): Promise<PartsPrint> => {
    const merge = merger!.finish()
    const pdf = merger!.pdf
    const headings = locateHeadings(pdf, contents)
    // Entries whose destination's name is percent-encoded, which the merged outline (the first part's) cannot stand in for.
    const pageIndex = new Map(pdf.getPages().map((page, index) => [page.ref.toString(), index]))
    for (const entry of flatten(contents)) {
      const destination = headings.pages.has(entry.id) ? undefined : merger!.destination(entry.id)
      const index = destination && pageIndex.get(String(destination.get(0)))
      if (destination && index !== undefined) {
        headings.destinations.set(entry.id, destination)
        headings.pages.set(entry.id, index + 1)
      }
    }
    if (merge.unresolved.length > 0) throw new Error(`links between parts to ${merge.unresolved.slice(0, 3).map((id) => `#${id}`).join(', ')} lead nowhere`)
    if (!options.toc || headings.pages.size === 0) return {pdf, headings}
    if (String(pdf.getPageCount()).length > options.digits) return {reason: `${pdf.getPageCount()} pages need more than ${options.digits} figures`}
    options.stage('numbering the contents')
    const numbers = Object.fromEntries([...headings.pages].map(([id, number]) => [id, String(number)]))
    // The first part's page was closed once printed (a renderer held for the whole print kept its memory): it is loaded again.
    const job = {
      site: options.site(() => partHtml(parts[0]!, first!.blanks)),
      description: `${options.description} (the contents' page numbers)`,
      signal: options.signal,
      ...(options.closeAfter ? {closeAfter: true} : {})
    }
    return options.browser.run(job, async (page, progress) => {
      progress('numbering the contents')
      await applyLineBreaks(page, first!.lineBreaks, options.width)
      if (options.digits > 3) await evaluateIsolated(page, widenNumberBoxes)
      await evaluateIsolated(page, fillNumbers, numbers, true)
      const front = await PDFDocument.load(await options.print(page), fastLoad)
      const reason = spliceFrontPages(pdf, front, Math.min(...headings.pages.values()))
      return reason ? {reason} : {pdf, headings}
    })
  }

  const jobs = parts.map(async (part, index) => {
    await acquire()
    let held = true
    let blanks = new Set<string>()
    try {
      const site = noting(options.site(() => partHtml(part, blanks)))
      const job = {
        site: site.site,
        description: `${options.description} (part ${index + 1} of ${parts.length})`,
        signal: options.signal,
        ...(options.closeAfter ? {closeAfter: true} : {}),
        ...(options.onLoading ? {onLoading: options.onLoading} : {})
      }
      await options.browser.run(job, async (page, progress) => {
        watches.add(progress)
        try {
          progress('setting the lines')
          if (index === 0) options.stage('setting the lines')
          const lineBreaks = await settleLineBreaks(page, options.width, {...(options.used ? {used: options.used} : {}), faces: () => site.served(['/index.html'])})
          const widen = async () => {
            if (index === 0 && options.digits > 3) await evaluateIsolated(page, widenNumberBoxes)
          }
          await widen()
          // Blank versos go into the page as it is loaded again, its lines set as before (as index.ts does for a whole print).
          const reload = async (next: Set<string>) => {
            blanks = next
            await page.goto(`${origin}/index.html`, {waitUntil: 'load', timeout: 0})
            await applyLineBreaks(page, lineBreaks, options.width)
            await widen()
          }
          progress('waiting for the part before')
          await waitFor(index === 0 ? Promise.resolve() : printed[index - 1]!.promise)
          if (index === 0) options.stage('printing')
          await printPart(index, page, progress, reload)
          printed[index]!.resolve()
          // Its page is printed: the part's tree is not needed any more, but the first's, loaded again for the contents' numbers.
          if (index === 0) first = {blanks, lineBreaks}
          else part.tree = emptyRoot
          release()
          held = false
        } finally {
          watches.delete(progress)
        }
      })
    } catch (error) {
      failed.reject(error)
      throw error
    } finally {
      if (held) release()
    }
  })
  const settled = await Promise.allSettled(jobs)
  // The first failure, not one that only followed from it.
  const rejected = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
  if (rejected) throw rejected.reason
  return setContents()
}

function deferred() {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((yes, no) => {
    resolve = yes
    reject = no
  })
  return {promise, resolve, reject}
}

/** The folios of a part whose pages follow `before` pages: a counter style whose symbols are its page numbers. */
function folioCounter(before: number, words: number): string {
  // Enough symbols for any part: a page holds at least a few words (more pages fall back to the part's own numbers).
  const length = Math.max(2000, Math.ceil(words / 20))
  const symbols = Array.from({length}, (_, index) => `"${before + index + 1}"`).join(' ')
  return `@counter-style folio { system: fixed 1; symbols: ${symbols}; fallback: decimal; }`
}

/**
 * The blank pages that make every opener start on an odd page, from where
 * they fell in the last printing. A blank page before an opener moves it and
 * everything after it by one page, so they are decided in order.
 */
export function rectoBlanks(openers: string[], pages: Map<string, number>, blanks: Set<string>): Set<string> {
  const next = new Set<string>()
  let shift = 0
  for (const id of openers) {
    const page = pages.get(id)
    if (page === undefined) continue
    const had = blanks.has(id)
    const without = page - (had ? 1 : 0) + shift
    if (without % 2 === 0) next.add(id)
    shift += (without % 2 === 0 ? 1 : 0) - (had ? 1 : 0)
  }
  return next
}

export function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item))
}

function flatten(entries: ContentsEntry[]): ContentsEntry[] {
  return entries.flatMap((entry) => [{...entry, children: []}, ...flatten(entry.children)])
}

function classesOf(element: Element | undefined): string[] {
  const names = element?.properties.className
  return Array.isArray(names) ? names.map(String) : []
}

function isMarginFonts(node: ElementContent): boolean {
  return node.type === 'element' && classesOf(node).includes('margin-fonts')
}

function idsIn(tree: Element): Set<string> {
  const ids = new Set<string>()
  visit(tree, 'element', (element) => {
    if (typeof element.properties.id === 'string') ids.add(element.properties.id)
  })
  return ids
}

/** A fragment as an id (`#%D0%B1` is `#б`); one that is not well-formed percent-encoding as written. */
function decoded(fragment: string): string {
  try {
    return decodeURIComponent(fragment)
  } catch {
    return fragment
  }
}

function countWords(node: ElementContent): number {
  let words = 0
  visit(node, 'text', (text) => {
    words += text.value.split(/\s+/).filter(Boolean).length
  })
  return words
}
