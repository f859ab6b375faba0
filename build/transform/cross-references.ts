/**
 * Cross-references in pandoc-crossref's syntax
 * (https://lierdakil.github.io/pandoc-crossref/):
 *
 *     ![Map of the front](map.png){#fig:map}      a figure's label (the alt text is its caption
 *                                                  when there is no title, as in Pandoc)
 *     Table: Costs by year {#tbl:costs}            a table's label, on its caption
 *     ## Risks {#sec:risks}                        a section's label (any `{#id}` sets a heading's id)
 *
 *     @fig:map, [@fig:map; @fig:chart], [see @tbl:costs], @sec:risks
 *
 * become "Figure 2", "Figures 2 and 3", "see Table 1", "Section 3", in the
 * work's language, each number linked to what it names. Figures and tables
 * have the numbers their captions show; sections are numbered by the
 * outline of the work (3, 3.2, …). `@fig:map [page]` (or `[@fig:map,
 * page]`) adds the page in the PDF, "Figure 2 on page 7", filled in by
 * the same passes that number the PDF's contents; the other editions have
 * no pages and show "Figure 2".
 *
 * The labels are read from the Markdown (`remarkCrossReferenceLabels`);
 * the references are resolved once the whole work is assembled
 * (`crossReferenceLabels`, then `resolveCrossReferences`).
 */
import type {Element, ElementContent, Root} from 'hast'
import {headingRank} from 'hast-util-heading-rank'
import type {Heading, Paragraph, Root as MdastRoot, Text} from 'mdast'
import {SKIP, visit} from 'unist-util-visit'
import {warn} from '../messages.ts'
import type {Strings} from '../strings.ts'
import type {ChapterText, Placeholder} from './citations/render.ts'
import {isCrossReference} from './citations/remark.ts'

const trailingLabel = /[ \t]*\{#([^\s{}]+)\}[ \t]*$/
const figureLabel = /^[ \t]*\{#(fig:[^\s{}]+)\}[ \t]*$/

/** A remark plugin: `{#…}` labels on headings, figures and table captions become ids. */
export function remarkCrossReferenceLabels() {
  return (tree: MdastRoot): void => {
    visit(tree, (node) => {
      if (node.type !== 'heading' && node.type !== 'paragraph') return undefined
      mergeTexts(node)
      return node.type === 'heading' ? labelHeading(node) : labelParagraph(node)
    })
  }
}

/** Adjacent text nodes as one (a text directive put back as text, `:map` of `{#fig:map}`, is a node of its own). */
function mergeTexts(parent: Heading | Paragraph): void {
  const merged: typeof parent.children = []
  for (const child of parent.children) {
    const previous = merged.at(-1)
    if (child.type === 'text' && previous?.type === 'text') {
      previous.value += child.value
      if (previous.position && child.position) previous.position = {start: previous.position.start, end: child.position.end}
    } else {
      merged.push(child)
    }
  }
  parent.children = merged
}

function labelHeading(heading: Heading): typeof SKIP | undefined {
  const last = heading.children.at(-1)
  if (last?.type !== 'text') return undefined
  const label = trailingLabel.exec(last.value)
  if (!label) return undefined
  last.value = last.value.slice(0, label.index)
  if (last.value === '') heading.children.pop()
  heading.data = {...heading.data, hProperties: {...heading.data?.hProperties, id: label[1]!}}
  return SKIP
}

function labelParagraph(paragraph: Paragraph): typeof SKIP | undefined {
  const children = paragraph.children
  // A figure: an image alone in its paragraph, then `{#fig:…}`.
  const image = children[0]
  const label = children[1]
  if (image?.type === 'image' && label?.type === 'text' && children.length === 2) {
    const match = figureLabel.exec(label.value)
    if (!match) return undefined
    children.pop()
    // Pandoc's figures take their caption from the alt text; Folio's from the title.
    if (!image.title) image.title = image.alt ?? ''
    paragraph.data = {...paragraph.data, hProperties: {...paragraph.data?.hProperties, id: match[1]!}}
    return SKIP
  }
  // A table's caption: `Table: Costs {#tbl:costs}`.
  const first = children[0]
  const last = children.at(-1)
  if (first?.type !== 'text' || !/^\s*Table:/.test(first.value) || last?.type !== 'text') return undefined
  const match = trailingLabel.exec(last.value)
  if (!match || !match[1]!.startsWith('tbl:')) return undefined
  ;(last as Text).value = last.value.slice(0, match.index)
  paragraph.data = {...paragraph.data, hProperties: {...paragraph.data?.hProperties, id: match[1]!}}
  return SKIP
}

/** What a label names. */
export interface LabelTarget {
  kind: 'figure' | 'table' | 'section'
  node: Element
  /** The number readers see: `2`, or `3.2` for a section. */
  number?: string
}

const kinds = {fig: 'figure', tbl: 'table', sec: 'section'} as const

/**
 * The labelled elements of the work, read before ids are made unique
 * across it (a label defined twice is a warning, and the first one wins).
 */
export function crossReferenceLabels(chapters: ChapterText[]): Map<string, LabelTarget> {
  const labels = new Map<string, LabelTarget>()
  for (const chapter of chapters) {
    visit(chapter.tree, 'element', (node) => {
      const id = node.properties.id
      if (typeof id !== 'string' || !isCrossReference(id)) return
      const kind = kinds[id.slice(0, 3) as keyof typeof kinds]
      const fits = kind === 'section' ? headingRank(node) !== undefined : kind === 'figure' ? node.tagName === 'figure' : node.tagName === 'table'
      if (!fits) {
        warn(chapter.file, `Label \`{#${id}}\` is not on a ${kind === 'section' ? 'heading' : kind === 'figure' ? 'figure (an image alone in its paragraph)' : 'table caption (`Table: …` after the table)'}`, node, 'cross-reference-label')
        return
      }
      if (labels.has(id)) {
        warn(chapter.file, `Label \`{#${id}}\` is defined twice: references go to the first`, node, 'cross-reference-label')
        return
      }
      labels.set(id, {kind, node})
    })
  }
  return labels
}

/** Section numbers by the work's outline: the highest level of heading counts 1, 2, …; the next 1.1, 1.2, … */
function numberSections(chapters: ChapterText[], labels: Map<string, LabelTarget>): void {
  const wanted = new Map([...labels.values()].filter((target) => target.kind === 'section').map((target) => [target.node, target]))
  if (wanted.size === 0) return
  const headings: Array<{node: Element; rank: number}> = []
  for (const chapter of chapters) {
    visit(chapter.tree, 'element', (node) => {
      if (node.tagName === 'section' && (node.properties.dataFootnotes !== undefined || node.properties.role === 'doc-bibliography')) return SKIP
      const rank = headingRank(node)
      if (rank) headings.push({node, rank})
      return undefined
    })
  }
  const top = Math.min(...headings.map((heading) => heading.rank))
  const counters: number[] = []
  for (const {node, rank} of headings) {
    const depth = rank - top
    counters.length = depth + 1
    for (let index = 0; index < depth; index++) counters[index] ??= 0
    counters[depth] = (counters[depth] ?? 0) + 1
    const target = wanted.get(node)
    if (target) target.number = counters.join('.')
  }
}

export interface ResolveContext {
  strings: Strings
  lang: string
  /** Number of each numbered figure and table, by its element. */
  numbers: Map<Element, number>
}

/** Replace each cross-reference placeholder with its words and links; a missing label is a warning. */
export function resolveCrossReferences(placeholders: Placeholder[], chapters: ChapterText[], labels: Map<string, LabelTarget>, context: ResolveContext): void {
  const references = placeholders.filter((placeholder) => placeholder.data.items.every((item) => isCrossReference(item.key)))
  if (references.length === 0) return
  for (const target of labels.values()) {
    const number = context.numbers.get(target.node)
    if (number !== undefined) target.number = String(number)
  }
  numberSections(chapters, labels)
  const list = new Intl.ListFormat(context.lang, {type: 'conjunction'})
  for (const placeholder of references) {
    const {items} = placeholder.data
    const missing = items.filter((item) => labels.get(item.key)?.number === undefined)
    for (const item of missing) {
      const reason = labels.has(item.key) ? `\`@${item.key}\` names a ${labels.get(item.key)!.kind} without a number (a figure needs a caption, a table a \`Table:\` caption)` : `Cross-reference \`@${item.key}\`: no \`{#${item.key}}\` label in this work`
      warn(placeholder.chapter.file, `${reason}; \`${placeholder.data.source}\` is shown as written`, placeholder.node, 'cross-reference')
    }
    if (missing.length > 0) {
      placeholder.node.properties.className = ['citation', 'citation-unknown']
      continue
    }
    const targets = items.map((item) => ({item, target: labels.get(item.key)!}))
    const withPage = items.some((item) => /^page$/i.test(item.suffix.replace(/^,/, '').trim()))
    // Runs of the same kind share their word: "Figures 2 and 3", unless each carries its page.
    const groups: Array<typeof targets> = []
    for (const entry of targets) {
      const group = groups.at(-1)
      if (group && !withPage && group[0]!.target.kind === entry.target.kind && !entry.item.prefix) group.push(entry)
      else groups.push([entry])
    }
    const parts = groups.map((group) => referenceWords(group, context, list))
    const children: ElementContent[] = []
    const joined = list.formatToParts(parts.map((_, index) => String(index)))
    for (const part of joined) {
      if (part.type === 'literal') children.push({type: 'text', value: part.value})
      else children.push(...parts[Number(part.value)]!)
    }
    placeholder.node.properties.className = ['cross-reference']
    placeholder.node.children = children
  }
}

function referenceWords(group: Array<{item: Placeholder['data']['items'][number]; target: LabelTarget}>, context: ResolveContext, list: Intl.ListFormat): ElementContent[] {
  const {strings} = context
  const kind = group[0]!.target.kind
  const word = group.length === 1 ? strings[kind] : strings[`${kind}s` as 'figures' | 'tables' | 'sections']
  const link = (entry: (typeof group)[number], text: string): Element => ({
    type: 'element',
    tagName: 'a',
    properties: {href: `#${String(entry.target.node.properties.id)}`},
    children: [{type: 'text', value: text}]
  })
  const prefix: ElementContent[] = group[0]!.item.prefix ? [{type: 'text', value: `${group[0]!.item.prefix} `}] : []
  const page = (entry: (typeof group)[number]): ElementContent[] =>
    /^page$/i.test(entry.item.suffix.replace(/^,/, '').trim())
      ? [{type: 'element', tagName: 'span', properties: {className: ['page-reference'], dataPageOf: String(entry.target.node.properties.id)}, children: []}]
      : entry.item.suffix ? [{type: 'text', value: /^[\s,.;:]/.test(entry.item.suffix) ? entry.item.suffix : ` ${entry.item.suffix}`}] : []
  if (group.length === 1) {
    const entry = group[0]!
    return [...prefix, link(entry, `${word}\u00A0${entry.target.number}`), ...page(entry)]
  }
  const numbers = list.formatToParts(group.map((_, index) => String(index)))
  const out: ElementContent[] = [...prefix, {type: 'text', value: `${word}\u00A0`}]
  for (const part of numbers) {
    if (part.type === 'literal') out.push({type: 'text', value: part.value})
    else {
      const entry = group[Number(part.value)]!
      out.push(link(entry, entry.target.number!), ...page(entry))
    }
  }
  return out
}

/** Words of the PDF's page references, once pages are known: " on page 7". */
export function fillPageReferences(tree: Root, pages: Map<string, number> | undefined, onPage: string): void {
  visit(tree, 'element', (node) => {
    if (node.tagName !== 'span' || node.properties.dataPageOf === undefined) return
    const page = pages?.get(String(node.properties.dataPageOf))
    // Before the first printing, a placeholder as wide as a page number.
    node.children = [{type: 'text', value: ` ${onPage.replace('{n}', String(page ?? '00'))}`}]
  })
}

/** Ids whose pages the PDF's page references need. */
export function pageReferenceTargets(trees: Root[]): string[] {
  const ids = new Set<string>()
  for (const tree of trees) {
    visit(tree, 'element', (node) => {
      if (node.tagName === 'span' && node.properties.dataPageOf !== undefined) ids.add(String(node.properties.dataPageOf))
    })
  }
  return [...ids]
}
