/**
 * A remark plugin: citations in Pandoc's syntax (./syntax.ts) become
 * `citation` nodes, which the whole-work pass (./render.ts) fills with what
 * citeproc-js makes of them once every chapter is read (numbers of notes,
 * "ibid.", disambiguation depend on all of them). Until then a citation
 * shows what the author wrote.
 *
 * With a note style, a citation in the text becomes a GFM footnote, numbered
 * with the author's notes; one inside a note stays where it is. As Pandoc
 * does, the note's call moves after a following comma or full stop
 * (`history [@a].` → `history.¹`), and an author in the text (`@a says`)
 * stays in the text with the note after it.
 *
 * Cross-references (`@fig:map`, `[@tbl:costs]`, `@sec:risks`) are citations
 * by their syntax and are parsed here too, with or without a bibliography;
 * keys of other kinds are left as text when the work names no bibliography.
 */
import type {Data, FootnoteDefinition, FootnoteReference, Nodes, Parent, PhrasingContent, Root, RootContent, Text} from 'mdast'
import {toString} from 'mdast-util-to-string'
import {decodeString} from 'micromark-util-decode-string'
import type {Position} from 'unist'
import {visitParents} from 'unist-util-visit-parents'
import type {VFile} from 'vfile'
import {location} from 'vfile-location'
import {parseLocator} from './locator.ts'
import {findCitations, type CitationSyntax} from './syntax.ts'

/** One cited item, as the author wrote it. */
export interface CiteItem {
  key: string
  prefix: string
  suffix: string
  locator?: string
  /** CSL locator label (`page`, `chapter`, …) when there is a locator. */
  label?: string
  suppressAuthor: boolean
}

/** What a citation node carries to the whole-work pass. */
export interface CitationData {
  items: CiteItem[]
  /** `@key` in the text: the author's name stands in the sentence. */
  authorInText: boolean
  /** With a note style: this node is the author's name in the text; the citation is in the note after it. */
  authorOnly?: boolean
  /** With a note style: the citation is the whole of a note made for it (else it stands in the author's note). */
  ownNote?: boolean
  /** The citation as written, for messages. */
  source: string
}

export interface CitationNodeData extends Data {
  citation: CitationData
}

export interface CitationNode extends Parent {
  type: 'citation'
  children: PhrasingContent[]
  data: CitationNodeData
}

declare module 'mdast' {
  interface PhrasingContentMap {
    citation: CitationNode
  }
  interface RootContentMap {
    citation: CitationNode
  }
}

/** Key prefixes of cross-references (pandoc-crossref's); they never name a source. */
export const crossReferencePrefixes = ['fig:', 'tbl:', 'sec:'] as const

export function isCrossReference(key: string): boolean {
  return crossReferencePrefixes.some((prefix) => key.startsWith(prefix))
}

export interface CitationOptions {
  /** The work has a bibliography: `@key` is a citation. Without one only cross-references are read. */
  sources: boolean
  /** The style is a note style: citations in the text become notes. */
  notes: boolean
  /** Locator terms of the work's locale and of English (`p.`, `chap.`, …): asked for only when a citation has a suffix. */
  terms: () => Map<string, string>
}

/** Blocks and spans whose children are inline content that may hold a citation. */
const inlineParents = new Set(['paragraph', 'heading', 'tableCell', 'emphasis', 'strong', 'delete'])

/** A remark plugin. */
export default function remarkCitations(options: CitationOptions) {
  return (tree: Root, file: VFile): void => {
    refsBlocks(tree)
    const found: Array<{node: CitationNode; parent: Parent; inNote: boolean}> = []
    const place = location(file)
    visitParents(tree, (node, ancestors) => {
      if (!inlineParents.has(node.type) || !('children' in node)) return
      const parent = node as Parent
      const inNote = ancestors.some((ancestor) => ancestor.type === 'footnoteDefinition')
      for (const citation of citationsIn(parent, file, place, options)) found.push({node: citation, parent, inNote})
    })
    if (!options.notes) return
    const taken = new Set<string>()
    visitParents(tree, (node) => {
      if (node.type === 'footnoteDefinition' || node.type === 'footnoteReference') taken.add((node as FootnoteDefinition).identifier.toLowerCase())
    })
    let count = 0
    const identifier = (): string => {
      let id: string
      do id = `cite-${++count}`
      while (taken.has(id))
      taken.add(id)
      return id
    }
    for (const {node, parent, inNote} of found) {
      if (inNote || node.data.citation.items.every((item) => isCrossReference(item.key))) continue
      intoNote(node, parent, tree, identifier())
    }
  }
}

/** Find the citations among a parent's children and put citation nodes in their place. */
function citationsIn(parent: Parent, file: VFile, place: ReturnType<typeof location>, options: CitationOptions): CitationNode[] {
  const children = parent.children as PhrasingContent[]
  if (!children.some((child) => child.type === 'text' && child.value.includes('@'))) return []
  const flat: string[] = []
  const typed: boolean[] = []
  const owner: Array<{child: number; at: number; offset: number | undefined}> = []
  for (const [index, child] of children.entries()) {
    if (child.type !== 'text') {
      flat.push('\uFFFC')
      typed.push(false)
      owner.push({child: index, at: -1, offset: child.position?.start.offset})
      continue
    }
    const aligned = alignWithSource(child, String(file.value))
    for (let at = 0; at < child.value.length; at++) {
      flat.push(child.value[at]!)
      typed.push(aligned.typed[at]!)
      owner.push({child: index, at, offset: aligned.offsets[at]})
    }
  }
  const text = flat.join('')
  const citations = findCitations(text, typed).filter((citation) => options.sources || citation.items.every((item) => isCrossReference(item.key)))
  if (citations.length === 0) return []

  const made: CitationNode[] = []
  const result: PhrasingContent[] = []
  let cursor = 0
  const copy = (from: number, to: number): PhrasingContent[] => {
    const out: PhrasingContent[] = []
    let index = from
    while (index < to) {
      const {child, at} = owner[index]!
      const node = children[child]!
      if (node.type !== 'text') {
        out.push(node)
        index++
        continue
      }
      let end = index
      while (end < to && owner[end]!.child === child) end++
      const value = node.value.slice(at, at + end - index)
      const start = owner[index]!.offset
      const stop = owner[end - 1]!.offset
      const position: Position | undefined =
        start !== undefined && stop !== undefined ? {start: place.toPoint(start)!, end: place.toPoint(stop + 1)!} : undefined
      out.push({type: 'text', value, ...(position ? {position} : {})})
      index = end
    }
    return out
  }
  const plain = (from: number, to: number): string =>
    copy(from, to)
      .map((node) => toString(node))
      .join('')
  for (const citation of citations) {
    result.push(...copy(cursor, citation.start))
    const start = owner[citation.start]!.offset
    const last = owner[citation.end - 1]!
    const end = last.at === -1 ? children[last.child]!.position?.end.offset : last.offset === undefined ? undefined : last.offset + 1
    const position: Position | undefined = start !== undefined && end !== undefined ? {start: place.toPoint(start)!, end: place.toPoint(end)!} : undefined
    const node: CitationNode = {
      type: 'citation',
      children: copy(citation.start, citation.end),
      data: {citation: citationData(citation, plain, options.terms, text)},
      ...(position ? {position} : {})
    }
    result.push(node)
    made.push(node)
    cursor = citation.end
  }
  result.push(...copy(cursor, text.length))
  parent.children = result
  return made
}

function citationData(citation: CitationSyntax, plain: (from: number, to: number) => string, terms: () => Map<string, string>, text: string): CitationData {
  const items = citation.items.map((item): CiteItem => {
    const prefix = plain(item.prefix[0], item.prefix[1]).trim()
    const suffix = plain(item.suffix[0], item.suffix[1])
    if (isCrossReference(item.key)) return {key: item.key, prefix, suffix: suffix.trim(), suppressAuthor: item.suppressAuthor}
    // No term fits in a suffix of white space: the locales are not read for it.
    const located = parseLocator(suffix, suffix.trim() ? terms() : new Map())
    return {
      key: item.key,
      prefix,
      suffix: located.suffix,
      ...(located.locator ? {locator: located.locator, label: located.label} : {}),
      suppressAuthor: item.suppressAuthor
    }
  })
  return {items, authorInText: citation.authorInText, source: text.slice(citation.start, citation.end).replaceAll('\uFFFC', '…')}
}

/**
 * For each character of a text node's value, where it stands in the source
 * and whether the author typed it as it stands: `\@` (an escape) and `&#64;`
 * (a character reference) give an `@` that is text, not syntax. Characters
 * of the source that the value lacks (a block quote's `>`, indentation,
 * line-end spaces) are passed over.
 */
export function alignWithSource(node: Text, source: string): {offsets: Array<number | undefined>; typed: boolean[]} {
  const value = node.value
  const offsets: Array<number | undefined> = []
  const typed: boolean[] = []
  const start = node.position?.start.offset
  const end = node.position?.end.offset
  if (start === undefined || end === undefined) return {offsets: [...value].map(() => undefined), typed: [...value].map(() => false)}
  let at = start
  for (let index = 0; index < value.length; ) {
    const character = value[index]!
    if (source[at] === '\\' && at + 1 < end && /[!-/:-@[-`{-~]/.test(source[at + 1]!) && source[at + 1] === character) {
      offsets.push(at + 1)
      typed.push(false)
      index++
      at += 2
      continue
    }
    if (source[at] === '&') {
      const reference = /^&(?:#\d{1,7}|#[xX][\da-fA-F]{1,6}|[A-Za-z][A-Za-z\d]{1,31});/.exec(source.slice(at, Math.min(end, at + 40)))
      const decoded = reference ? decodeString(reference[0]) : undefined
      if (reference && decoded && decoded !== reference[0] && value.startsWith(decoded, index)) {
        for (let n = 0; n < decoded.length; n++) {
          offsets.push(at)
          typed.push(false)
        }
        index += decoded.length
        at += reference[0].length
        continue
      }
    }
    if (at >= end) {
      offsets.push(undefined)
      typed.push(false)
      index++
      continue
    }
    if (source[at] === character) {
      offsets.push(at)
      typed.push(true)
      index++
      at++
      continue
    }
    at++
  }
  return {offsets, typed}
}

/** Put a citation in a note of its own; an author in the text stays, with the call after it. */
function intoNote(node: CitationNode, parent: Parent, tree: Root, identifier: string): void {
  const index = parent.children.indexOf(node as never)
  if (index === -1) return
  const citation = node.data.citation
  const reference: FootnoteReference = {type: 'footnoteReference', identifier, label: identifier, ...(node.position ? {position: node.position} : {})}
  const inNote: CitationNode = {
    type: 'citation',
    children: [...node.children],
    data: {
      citation: {...citation, items: citation.items.map((item, n) => (n === 0 && citation.authorInText ? {...item, suppressAuthor: true} : item)), authorInText: false, ownNote: true}
    },
    ...(node.position ? {position: node.position} : {})
  }
  const replacement: PhrasingContent[] = []
  if (citation.authorInText) {
    const first = citation.items[0]!
    replacement.push({
      type: 'citation',
      children: [{type: 'text', value: `@${first.key}`}],
      data: {citation: {items: [first], authorInText: true, authorOnly: true, source: citation.source}},
      ...(node.position ? {position: node.position} : {})
    })
  }
  replacement.push(reference)
  parent.children.splice(index, 1, ...(replacement as never[]))
  if (!citation.authorInText) notesAfterPunctuation(parent, index)
  tree.children.push({type: 'footnoteDefinition', identifier, label: identifier, children: [{type: 'paragraph', children: [inNote]}]} as RootContent)
}

/** `text [@a].` → `text.[^1]`: the space before the call goes, and a following `.` or `,` comes before it. */
function notesAfterPunctuation(parent: Parent, index: number): void {
  const before = parent.children[index - 1]
  const after = parent.children[index + 1]
  if (after?.type === 'text') {
    const punctuation = /^[.,;:!?]+/.exec(after.value)?.[0]
    if (punctuation) {
      after.value = after.value.slice(punctuation.length)
      if (before?.type === 'text') before.value = before.value.replace(/\s+$/, '') + punctuation
      else parent.children.splice(index, 0, {type: 'text', value: punctuation} as never)
      if (after.value === '') parent.children.splice(parent.children.indexOf(after), 1)
      return
    }
  }
  if (before?.type === 'text') before.value = before.value.replace(/[ \t]+$/, '')
}

/**
 * Pandoc's `::: {#refs}` … `:::` (a fenced div, which remark-directive does
 * not read) is the same as `:::refs`: where the bibliography goes.
 */
function refsBlocks(tree: Root): void {
  visitParents(tree, 'paragraph', (node, ancestors) => {
    const text = toString(node)
    if (!/^:{3,}\s*\{\s*#refs\s*\}\s*\n\s*:{3,}\s*$/.test(text)) return
    const parent = ancestors.at(-1) as Parent
    const index = parent.children.indexOf(node)
    parent.children[index] = {
      type: 'containerDirective',
      name: 'refs',
      attributes: {},
      children: [],
      data: {hName: 'div', hProperties: {className: ['refs']}},
      ...(node.position ? {position: node.position} : {})
    } as never
  })
}

/** True when a node is a citation node (for the handlers). */
export function isCitation(node: Nodes): node is CitationNode {
  return (node as {type: string}).type === 'citation'
}
