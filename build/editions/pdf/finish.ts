/**
 * What Chromium cannot write, set afterwards with pdf-lib without losing
 * tags, links or anything else: the outline (Chromium's drops the space where
 * a heading wraps, so it is rebuilt from the Document's headings, with
 * Chromium's destinations), the document information, /Lang,
 * DisplayDocTitle, dates from SOURCE_DATE_EPOCH or the manuscript only, a
 * text layer that reads as the text does (text-layer.ts), and for the
 * print-ready variant the TrimBox and BleedBox of every page.
 */
import {PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString} from 'pdf-lib'
import type {ContentsEntry} from '../../document/contents.ts'
import type {Document} from '../../document/document.ts'
import {bleed} from '../../document/page-sizes.ts'
import {version} from '../../project.ts'
import {repairTextLayer, type TextLayerKept} from './text-layer.ts'

export interface Headings {
  /** Destination (`[page /XYZ x y z]`) of each entry of the contents, by id. */
  destinations: Map<string, PDFArray>
  /** Page number (1-based) of each entry, by id. */
  pages: Map<string, number>
}

/**
 * Where Chromium put each entry of the contents. An element a link points
 * to (the printed table of contents links to every entry) has a named
 * destination; the others are found in Chromium's own outline, which lists
 * every heading in order: an entry matches the next item with its text.
 * Chromium's titles are not always the heading's text as written (the words
 * of a right-to-left heading come in the order they are seen; a heading that
 * is a link target may come twice), so an item also matches when it holds
 * all of the entry's words.
 */
export function locateHeadings(pdf: PDFDocument, contents: ContentsEntry[]): Headings {
  const named = pdf.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
  const items: Array<{title: string; words: string[]; destination: PDFArray}> = []
  const walk = (item: PDFDict | undefined): void => {
    for (let current = item; current; current = current.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      const title = current.lookupMaybe(PDFName.of('Title'), PDFString, PDFHexString)?.decodeText() ?? ''
      const destination = current.lookupMaybe(PDFName.of('Dest'), PDFArray)
      if (destination) items.push({title: squeeze(title), words: words(title), destination})
      walk(current.lookupMaybe(PDFName.of('First'), PDFDict))
    }
  }
  walk(pdf.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)?.lookupMaybe(PDFName.of('First'), PDFDict))

  const pageIndex = new Map(pdf.getPages().map((page, index) => [page.ref.toString(), index]))
  const destinations = new Map<string, PDFArray>()
  const pages = new Map<string, number>()
  let cursor = 0
  for (const entry of flatten(contents)) {
    let destination = named?.lookupMaybe(PDFName.of(entry.id), PDFArray)
    if (!destination) {
      const wanted = squeeze(entry.title)
      const wantedWords = words(entry.title)
      const matches = (item: (typeof items)[number]) =>
        item.title.startsWith(wanted) || (wantedWords.every((word) => item.words.includes(word)) && item.words.length <= 2 * wantedWords.length)
      const found = items.findIndex((item, index) => index >= cursor && matches(item))
      if (found === -1) continue
      cursor = found + 1
      destination = items[found]!.destination
    }
    destinations.set(entry.id, destination)
    const page = pageIndex.get(String(destination.get(0)))
    if (page !== undefined) pages.set(entry.id, page + 1)
  }
  return {destinations, pages}
}

export interface FinishOptions {
  document: Document
  /** What the bookmarks list. */
  contents: ContentsEntry[]
  headings: Headings
  printReady: boolean
  /** The publication date (document/settings.ts): CreationDate and ModDate; without one, neither. */
  published?: Date
  /** Collects the text layer's work for the next process (streams-kept.ts). */
  kept?: TextLayerKept
}

export async function finishPdf(pdf: PDFDocument, options: FinishOptions): Promise<Uint8Array> {
  const {document, headings} = options
  const {metadata} = document
  const info = pdf.context.lookup(pdf.context.trailerInfo.Info, PDFDict)
  pdf.setTitle(metadata.title, {showInWindowTitleBar: true})
  if (metadata.description) pdf.setSubject(metadata.description)
  if (metadata.subjects.length > 0) info.set(PDFName.of('Keywords'), PDFHexString.fromText(metadata.subjects.join(', ')))
  if (metadata.authors.length > 0) pdf.setAuthor(metadata.authors.join(', '))
  pdf.setCreator(`Folio ${version}`)
  pdf.catalog.set(PDFName.of('Lang'), PDFString.of(metadata.lang))

  const date = options.published
  if (date) {
    pdf.setCreationDate(date)
    pdf.setModificationDate(date)
  } else {
    info.delete(PDFName.of('CreationDate'))
    info.delete(PDFName.of('ModDate'))
  }

  writeOutline(pdf, options.contents, headings.destinations)
  pinStructureIds(pdf)
  await repairTextLayer(pdf, options.kept)
  if (options.printReady) setPrintBoxes(pdf)
  // objectsPerTick: pdf-lib otherwise yields to the event loop every 50 objects, which made saving a
  // 50-brief PDF take 197 ms instead of 67 (the bytes are the same).
  return pdf.save({useObjectStreams: false, updateFieldAppearances: false, objectsPerTick: Number.POSITIVE_INFINITY})
}

/**
 * Chromium names the structure elements of table header cells by its DOM
 * node numbers (`/ID (node00000657)`, with `/Headers` and the IDTree
 * pointing at them), and those numbers change from one run to the next, so
 * a PDF with a table was not reproducible. The ids are renumbered in the
 * structure tree's order (`id-1`, `id-2`, …) and the IDTree written again.
 */
export function pinStructureIds(pdf: PDFDocument): void {
  const root = pdf.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)
  if (!root) return
  const text = (value: unknown) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined)
  const elements: Array<{dict: PDFDict; ref: PDFRef; id: string}> = []
  for (const [ref, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Type')) !== PDFName.of('StructElem')) continue
    const id = text(object.get(PDFName.of('ID')))
    if (id !== undefined) elements.push({dict: object, ref, id})
  }
  if (elements.length === 0) return
  // In the structure tree's order: the node numbers' own order can change between runs too.
  const order = treeOrder(pdf, root)
  const place = (element: {ref: PDFRef}) => order.get(element.ref.toString()) ?? Number.MAX_SAFE_INTEGER
  const inOrder = elements.slice().sort((a, b) => place(a) - place(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const renamed = new Map([...new Set(inOrder.map((element) => element.id))].map((id, index) => [id, `id-${index + 1}`]))
  for (const element of elements) element.dict.set(PDFName.of('ID'), PDFString.of(renamed.get(element.id)!))
  // Data cells name their header cells in their table attributes: /A << /O /Table /Headers [(…)] >>.
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Type')) !== PDFName.of('StructElem')) continue
    const attributes = object.get(PDFName.of('A'))
    for (const entry of attributes instanceof PDFArray ? attributes.asArray() : [attributes]) {
      const owner = entry instanceof PDFRef ? pdf.context.lookup(entry) : entry
      const headers = owner instanceof PDFDict ? owner.lookupMaybe(PDFName.of('Headers'), PDFArray) : undefined
      for (let index = 0; index < (headers?.size() ?? 0); index++) {
        const name = renamed.get(text(headers!.lookup(index)) ?? '')
        if (name) headers!.set(index, PDFString.of(name))
      }
    }
  }
  // The IDTree again, as a root holding its sorted names (PDF 32000-1, 7.9.6); the old one's objects go.
  deleteTree(pdf, root.get(PDFName.of('IDTree')))
  const pairs = elements.map((element) => [renamed.get(element.id)!, element.ref] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  root.set(
    PDFName.of('IDTree'),
    pdf.context.obj({Names: pairs.flatMap(([name, ref]) => [PDFString.of(name), ref])})
  )
}

/** Each structure element's place in the structure tree, depth first from the root, by its reference. */
function treeOrder(pdf: PDFDocument, root: PDFDict): Map<string, number> {
  const order = new Map<string, number>()
  const kidsOf = (holder: PDFDict) => {
    const kids = holder.get(PDFName.of('K'))
    return kids instanceof PDFArray ? kids.asArray() : kids ? [kids] : []
  }
  // A stack of what is still to visit, the next on top.
  const stack = kidsOf(root).reverse()
  while (stack.length > 0) {
    const kid = stack.pop()
    if (!(kid instanceof PDFRef) || order.has(kid.toString())) continue
    const element = pdf.context.lookup(kid)
    const type = element instanceof PDFDict ? element.get(PDFName.of('Type')) : undefined
    // Marked-content and object references are leaves, not elements.
    if (!(element instanceof PDFDict) || type === PDFName.of('MCR') || type === PDFName.of('OBJR')) continue
    order.set(kid.toString(), order.size)
    stack.push(...kidsOf(element).reverse())
  }
  return order
}

/** Delete a tree of indirect objects linked by /Kids (a name tree) or /First and /Next (an outline). */
function deleteTree(pdf: PDFDocument, node: unknown): void {
  if (!(node instanceof PDFRef)) return
  const dict = pdf.context.lookup(node)
  pdf.context.delete(node)
  if (!(dict instanceof PDFDict)) return
  const kids = dict.get(PDFName.of('Kids'))
  const list = kids instanceof PDFArray ? kids.asArray() : []
  for (const kid of list) deleteTree(pdf, kid)
  deleteTree(pdf, dict.get(PDFName.of('First')))
  deleteTree(pdf, dict.get(PDFName.of('Next')))
}

function writeOutline(pdf: PDFDocument, toc: ContentsEntry[], destinations: Map<string, PDFArray>): void {
  const {context} = pdf
  // Chromium's own outline (its titles lose spaces) is replaced, and its objects are not left in the file.
  deleteTree(pdf, pdf.catalog.get(PDFName.of('Outlines')))
  const root = context.obj({Type: 'Outlines'}) as PDFDict
  const rootRef = context.register(root)
  /**
   * Write `entries` under `parent`. Returns how many items a reader sees
   * below `parent` when it is open. Only a single top-level entry is open.
   */
  const add = (entries: ContentsEntry[], parent: PDFDict, parentRef: PDFRef, topLevel: boolean): number => {
    const items: Array<{ref: PDFRef; dict: PDFDict}> = []
    let visible = 0
    const located = entries.filter((entry) => destinations.has(entry.id))
    for (const entry of located) {
      const dict = context.obj({}) as PDFDict
      dict.set(PDFName.of('Title'), PDFHexString.fromText(entry.title))
      dict.set(PDFName.of('Parent'), parentRef)
      dict.set(PDFName.of('Dest'), destinations.get(entry.id)!)
      const ref = context.register(dict)
      const below = add(entry.children, dict, ref, false)
      const children = dict.lookupMaybe(PDFName.of('Count'), PDFNumber)
      const open = topLevel && located.length === 1
      // Open: the count of visible descendants; closed: minus the children (PDF 32000-1, 12.3.3).
      if (children) dict.set(PDFName.of('Count'), PDFNumber.of(open ? below : -Math.abs(children.asNumber())))
      items.push({ref, dict})
      visible += 1 + (open ? below : 0)
    }
    for (const [index, {dict}] of items.entries()) {
      if (index > 0) dict.set(PDFName.of('Prev'), items[index - 1]!.ref)
      if (index < items.length - 1) dict.set(PDFName.of('Next'), items[index + 1]!.ref)
    }
    if (items.length > 0) {
      parent.set(PDFName.of('First'), items[0]!.ref)
      parent.set(PDFName.of('Last'), items.at(-1)!.ref)
      parent.set(PDFName.of('Count'), PDFNumber.of(items.length))
    }
    return visible
  }
  const visible = add(toc, root, rootRef, true)
  if (visible === 0) {
    pdf.catalog.delete(PDFName.of('Outlines'))
    return
  }
  root.set(PDFName.of('Count'), PDFNumber.of(visible))
  pdf.catalog.set(PDFName.of('Outlines'), rootRef)
}

/** The trim is the page less the bleed on every side (points: 72 to the inch). */
function setPrintBoxes(pdf: PDFDocument): void {
  const inset = (bleed / 25.4) * 72
  for (const page of pdf.getPages()) {
    const {width, height} = page.getMediaBox()
    page.setBleedBox(0, 0, width, height)
    page.setTrimBox(inset, inset, width - 2 * inset, height - 2 * inset)
  }
}

function flatten(entries: ContentsEntry[]): ContentsEntry[] {
  return entries.flatMap((entry) => [entry, ...flatten(entry.children)])
}

function words(title: string): string[] {
  return title.replace(/\u00AD/g, '').toLowerCase().split(/\s+/).filter(Boolean)
}

/** Titles compared without white space, soft hyphens or case. */
function squeeze(title: string): string {
  return title.replace(/[\s\u00AD]/g, '').toLowerCase()
}
