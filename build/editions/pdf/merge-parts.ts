/**
 * One tagged PDF from the PDFs of a work printed in parts (print-in-parts.ts),
 * as if Chromium had printed it whole: pages in order; one structure tree
 * (each part's elements under one Document element, the ParentTree's keys
 * and the pages' `/StructParents` and links' `/StructParent` moved past
 * the parts before, per PDF 32000-1, 14.7.4.4; MCIDs number marked content
 * within a page's content stream and need no change); the named
 * destinations of every part; the links between parts, printed as links to
 * `crossLink` + `#id`, made links to the named destination `id`; the
 * structure ids of each part kept apart by a prefix. The outline is not
 * merged: finish.ts writes it again from the contents.
 *
 * The parts are merged into the first one as they come, so that no more
 * than two are held at a time.
 */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObjectCopier,
  PDFPage,
  PDFRef,
  PDFString,
  type PDFObject
} from 'pdf-lib'

export class MergeError extends Error {
  override name = 'MergeError'
}

/** What the merge found, for messages and tests. */
export interface MergeReport {
  pages: number
  /** Links between parts made internal. */
  crossLinks: number
  /** Links between parts whose target no part has: left pointing nowhere they can be followed (removed). */
  unresolved: string[]
}

export class PartsMerger {
  readonly pdf: PDFDocument
  readonly #crossLink: string
  #root: PDFDict
  #document: PDFDict
  #documentRef: PDFRef
  #parentTree: Array<[number, PDFObject]>
  #ids: Array<[string, PDFRef]>
  #nextKey: number
  #dests: PDFDict
  #parts = 1
  #decoded: Map<string, PDFName> | undefined

  /**
   * @param first The first part, which becomes the whole (it is changed in place).
   * @param crossLink The address links between parts were printed with (`https://folio.invalid/` + `#id`).
   */
  constructor(first: PDFDocument, crossLink: string) {
    this.pdf = first
    this.#crossLink = crossLink
    const root = first.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)
    if (!root) throw new MergeError('the first part is not tagged')
    this.#root = root
    const kid = root.get(PDFName.of('K'))
    const documentRef = kid instanceof PDFArray ? kid.get(0) : kid
    if (!(documentRef instanceof PDFRef)) throw new MergeError('the first part has no Document structure element')
    this.#documentRef = documentRef
    this.#document = first.context.lookup(documentRef, PDFDict)
    prefixIds(first, 'p1-')
    this.#parentTree = numberTree(first, root.get(PDFName.of('ParentTree')))
    this.#ids = nameTree(first, root.get(PDFName.of('IDTree'))).filter((entry): entry is [string, PDFRef] => entry[1] instanceof PDFRef)
    this.#nextKey = root.lookupMaybe(PDFName.of('ParentTreeNextKey'), PDFNumber)?.asNumber() ?? this.#parentTree.length
    this.#dests = first.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict) ?? (first.context.obj({}) as PDFDict)
  }

  /** Append the pages, structure and destinations of the next part. */
  add(part: PDFDocument): void {
    this.#parts++
    const {pdf} = this
    prefixIds(part, `p${this.#parts}-`)
    const root = part.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)
    if (!root) throw new MergeError(`part ${this.#parts} is not tagged`)
    const kid = root.get(PDFName.of('K'))
    const partDocument = part.context.lookup(kid instanceof PDFArray ? kid.get(0) : kid)
    if (!(partDocument instanceof PDFDict)) throw new MergeError(`part ${this.#parts} has no Document structure element`)
    const copier = PDFObjectCopier.for(part.context, pdf.context)
    const offset = this.#nextKey

    // Pages first: every later copy of an object that names a page gets the same copy.
    for (const page of part.getPages()) {
      const ref = copier.copy(page.ref) as PDFRef
      const leaf = pdf.context.lookup(ref) as PDFDict
      const parents = leaf.lookupMaybe(PDFName.of('StructParents'), PDFNumber)
      if (parents) leaf.set(PDFName.of('StructParents'), PDFNumber.of(parents.asNumber() + offset))
      for (const annotation of annotations(pdf, leaf)) {
        const parent = annotation.lookupMaybe(PDFName.of('StructParent'), PDFNumber)
        if (parent) annotation.set(PDFName.of('StructParent'), PDFNumber.of(parent.asNumber() + offset))
      }
      pdf.addPage(PDFPage.of(leaf as never, ref, pdf))
    }

    // The structure: the part's Document element's children, under ours (without copying the part's root).
    const children = kidsOf(partDocument)
    for (const child of children) if (child instanceof PDFRef) part.context.lookup(child, PDFDict).delete(PDFName.of('P'))
    const kids = pdf.context.obj(kidsOf(this.#document))
    for (const child of children) {
      const copied = copier.copy(child)
      if (copied instanceof PDFRef) pdf.context.lookup(copied, PDFDict).set(PDFName.of('P'), this.#documentRef)
      kids.push(copied)
    }
    this.#document.set(PDFName.of('K'), kids)
    for (const [key, value] of numberTree(part, root.get(PDFName.of('ParentTree')))) this.#parentTree.push([key + offset, copier.copy(value)])
    for (const [name, value] of nameTree(part, root.get(PDFName.of('IDTree')))) {
      if (value instanceof PDFRef) this.#ids.push([name, copier.copy(value) as PDFRef])
    }
    this.#nextKey += root.lookupMaybe(PDFName.of('ParentTreeNextKey'), PDFNumber)?.asNumber() ?? 0

    const dests = part.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict)
    for (const [name, value] of dests?.entries() ?? []) this.#dests.set(name, copier.copy(value))
  }

  /**
   * The named destination of an element, by its id as written (Chromium
   * names it by the id percent-encoded: `березня` is `%D0%B1…`, which a
   * lookup by the id itself does not find).
   */
  destination(id: string): PDFArray | undefined {
    this.#decoded ??= new Map(this.#dests.keys().map((key) => [percentDecoded(key.decodeText()), key]))
    const name = this.#decoded.get(id)
    return name ? this.#dests.lookupMaybe(name, PDFArray) : undefined
  }

  /** A page with nothing on it after the last (the size of the last): a blank verso. */
  addBlankPage(): void {
    const last = this.pdf.getPage(this.pdf.getPageCount() - 1)
    const {width, height} = last.getSize()
    this.pdf.addPage([width, height])
  }

  /** Write the merged trees and turn the links between parts into links inside the PDF. */
  finish(): MergeReport {
    const {pdf} = this
    const {context} = pdf
    deleteTree(pdf, this.#root.get(PDFName.of('ParentTree')))
    deleteTree(pdf, this.#root.get(PDFName.of('IDTree')))
    const nums = this.#parentTree.sort(([a], [b]) => a - b).flatMap(([key, value]) => [PDFNumber.of(key), value])
    this.#root.set(PDFName.of('ParentTree'), context.register(context.obj({Type: 'ParentTree', Nums: nums})))
    this.#root.set(PDFName.of('ParentTreeNextKey'), PDFNumber.of(this.#nextKey))
    if (this.#ids.length > 0) {
      const names = this.#ids.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([name, ref]) => [PDFString.of(name), ref])
      this.#root.set(PDFName.of('IDTree'), context.register(context.obj({Names: names})))
    } else this.#root.delete(PDFName.of('IDTree'))
    if (this.#dests.entries().length > 0) {
      const existing = pdf.catalog.get(PDFName.of('Dests'))
      if (!(existing instanceof PDFRef)) pdf.catalog.set(PDFName.of('Dests'), context.register(this.#dests))
    }

    let crossLinks = 0
    const unresolved: string[] = []
    // Chromium names a destination by the id percent-encoded (`березня` is `%D0%B1…`).
    const named = new Map(this.#dests.keys().map((key) => [percentDecoded(key.decodeText()), key]))
    for (const page of pdf.getPages()) {
      const list = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray)
      if (!list) continue
      for (let index = list.size() - 1; index >= 0; index--) {
        const annotation = list.lookup(index)
        if (!(annotation instanceof PDFDict)) continue
        const action = annotation.lookupMaybe(PDFName.of('A'), PDFDict)
        const uri = action?.lookupMaybe(PDFName.of('URI'), PDFString, PDFHexString)?.decodeText()
        if (!uri?.startsWith(`${this.#crossLink}#`)) continue
        const id = decodeURIComponent(uri.slice(this.#crossLink.length + 1))
        annotation.delete(PDFName.of('A'))
        const name = named.get(id)
        if (name) {
          annotation.set(PDFName.of('Dest'), name)
          crossLinks++
        } else {
          // A link to nothing is not left as a link to an address that does not exist.
          unresolved.push(id)
          annotation.set(PDFName.of('Dest'), PDFName.of(id))
        }
      }
    }
    return {pages: pdf.getPageCount(), crossLinks, unresolved}
  }
}

function percentDecoded(name: string): string {
  try {
    return decodeURIComponent(name)
  } catch {
    return name
  }
}

/** A structure element's /K as a list: it may be one kid or an array of them. */
function kidsOf(element: PDFDict): PDFObject[] {
  const kids = element.get(PDFName.of('K'))
  return kids === undefined ? [] : kids instanceof PDFArray ? kids.asArray() : [kids]
}

function annotations(pdf: PDFDocument, page: PDFDict): PDFDict[] {
  const list = page.lookupMaybe(PDFName.of('Annots'), PDFArray)
  return (list?.asArray() ?? []).map((ref) => pdf.context.lookup(ref)).filter((item): item is PDFDict => item instanceof PDFDict)
}

/** The entries of a number tree (PDF 32000-1, 7.9.7), flat /Nums or /Kids. */
function numberTree(pdf: PDFDocument, node: PDFObject | undefined): Array<[number, PDFObject]> {
  return treeEntries(pdf, node, 'Nums', (key) => (key instanceof PDFNumber ? key.asNumber() : undefined))
}

/** The entries of a name tree (PDF 32000-1, 7.9.6). */
function nameTree(pdf: PDFDocument, node: PDFObject | undefined): Array<[string, PDFObject]> {
  return treeEntries(pdf, node, 'Names', (key) => (key instanceof PDFString || key instanceof PDFHexString ? key.decodeText() : undefined))
}

/** A number or name tree's key–value pairs (`/Nums` or `/Names`), its `/Kids` followed in order. */
function treeEntries<K>(pdf: PDFDocument, node: PDFObject | undefined, pairs: 'Nums' | 'Names', keyOf: (key: PDFObject | undefined) => K | undefined): Array<[K, PDFObject]> {
  const dict = node instanceof PDFRef ? pdf.context.lookup(node) : node
  if (!(dict instanceof PDFDict)) return []
  const entries: Array<[K, PDFObject]> = []
  const list = dict.lookupMaybe(PDFName.of(pairs), PDFArray)
  for (let index = 0; list && index + 1 < list.size(); index += 2) {
    const key = keyOf(list.lookup(index))
    if (key !== undefined) entries.push([key, list.get(index + 1)])
  }
  for (const kid of dict.lookupMaybe(PDFName.of('Kids'), PDFArray)?.asArray() ?? []) entries.push(...treeEntries(pdf, kid, pairs, keyOf))
  return entries
}

/**
 * Structure ids (`/ID`, and the `/Headers` of table cells that name them)
 * are Chromium's DOM node numbers, which two parts may share: each part's
 * get its own prefix. (finish.ts renumbers them all afterwards.)
 */
function prefixIds(pdf: PDFDocument, prefix: string): void {
  const text = (value: unknown) => (value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined)
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.get(PDFName.of('Type')) !== PDFName.of('StructElem')) continue
    const id = text(object.get(PDFName.of('ID')))
    if (id !== undefined) object.set(PDFName.of('ID'), PDFString.of(prefix + id))
    const attributes = object.get(PDFName.of('A'))
    for (const entry of attributes instanceof PDFArray ? attributes.asArray() : [attributes]) {
      const owner = entry instanceof PDFRef ? pdf.context.lookup(entry) : entry
      const headers = owner instanceof PDFDict ? owner.lookupMaybe(PDFName.of('Headers'), PDFArray) : undefined
      for (let index = 0; index < (headers?.size() ?? 0); index++) {
        const name = text(headers!.lookup(index))
        if (name !== undefined) headers!.set(index, PDFString.of(prefix + name))
      }
    }
  }
  // The IDTree's keys, to match.
  const root = pdf.catalog.lookupMaybe(PDFName.of('StructTreeRoot'), PDFDict)
  const rename = (node: PDFObject | undefined): void => {
    const dict = node instanceof PDFRef ? pdf.context.lookup(node) : node
    if (!(dict instanceof PDFDict)) return
    const names = dict.lookupMaybe(PDFName.of('Names'), PDFArray)
    for (let index = 0; names && index + 1 < names.size(); index += 2) {
      const name = text(names.lookup(index))
      if (name !== undefined) names.set(index, PDFString.of(prefix + name))
    }
    const limits = dict.lookupMaybe(PDFName.of('Limits'), PDFArray)
    for (let index = 0; limits && index < limits.size(); index++) {
      const name = text(limits.lookup(index))
      if (name !== undefined) limits.set(index, PDFString.of(prefix + name))
    }
    for (const kid of dict.lookupMaybe(PDFName.of('Kids'), PDFArray)?.asArray() ?? []) rename(kid)
  }
  rename(root?.get(PDFName.of('IDTree')))
}

/** Delete a tree of indirect objects linked by /Kids. */
function deleteTree(pdf: PDFDocument, node: PDFObject | undefined): void {
  if (!(node instanceof PDFRef)) return
  const dict = pdf.context.lookup(node)
  pdf.context.delete(node)
  if (!(dict instanceof PDFDict)) return
  for (const kid of dict.lookupMaybe(PDFName.of('Kids'), PDFArray)?.asArray() ?? []) deleteTree(pdf, kid)
}
