/**
 * The whole-work pass for citations: every citation of every chapter, in
 * reading order, goes through one citeproc-js engine (so "ibid.", short
 * notes after the first, and "2020a"/"2020b" are decided across the work),
 * and the bibliography is placed where the manuscript has a `:::refs` block,
 * else at the end of the text under the heading the style implies
 * ("Bibliography" for a note style, "References" for others).
 *
 * With an author-date (or numeric) style each cited item links to its
 * entry (role doc-biblioref), as Pandoc's `link-citations` does; with a
 * note style the note is not linked (a full note carries its own DOI or
 * URL links). DOIs and URLs in entries are links.
 */
import {createHash} from 'node:crypto'
import type {CitationItem, CslItem, Engine} from 'citeproc'
import type {Element, ElementContent, Root, RootContent} from 'hast'
import {toString} from 'hast-util-to-string'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {visitParents} from 'unist-util-visit-parents'
import type {VFile} from 'vfile'
import type {Apparatus} from '../../read/apparatus.ts'
import type {Bibliography} from '../../read/bibliography.ts'
import {citeproc, cslLocale, cslLocaleTag, shortTerms, type CitationStyle} from '../../read/citation-style.ts'
import {warn} from '../../messages.ts'
import type {Strings} from '../../strings.ts'
import {isCrossReference, type CitationData} from './remark.ts'


/** A chapter as the whole-work pass sees it. */
export interface ChapterText {
  file: VFile
  tree: Root
}

export interface RenderContext {
  strings: Strings
  /** Reserve an id unique across the work (`wanted`, or `wanted-1`, …). */
  claimId: (wanted: string) => string
}

/** A citation placeholder as found in a chapter. */
export interface Placeholder {
  node: Element
  data: CitationData
  chapter: ChapterText
  /** Number of the note it stands in, counted through the work; 0 in the text. */
  note: number
}

/** The property that carries a citation from the chapter's transform to this pass. */
export const citationProperty = 'dataFolioCite'

/**
 * Every citation placeholder of the work, in reading order, with its data
 * taken off the element (it never reaches an edition).
 */
export function citationPlaceholders(chapters: ChapterText[]): Placeholder[] {
  const found: Placeholder[] = []
  let notesBefore = 0
  for (const chapter of chapters) {
    let notesHere = 0
    visitParents(chapter.tree, 'element', (node, ancestors) => {
      if (node.tagName === 'section' && node.properties.dataFootnotes !== undefined) {
        notesHere = node.children.reduce((sum, child) => sum + (child.type === 'element' && child.tagName === 'ol' ? child.children.filter((item) => item.type === 'element').length : 0), 0)
      }
      const payload = node.properties[citationProperty]
      if (node.tagName !== 'span' || typeof payload !== 'string') return
      delete node.properties[citationProperty]
      let data: CitationData
      try {
        data = JSON.parse(payload) as CitationData
        if (!Array.isArray(data.items) || data.items.some((item) => typeof item?.key !== 'string')) return
      } catch {
        return
      }
      const item = ancestors.find((ancestor): ancestor is Element => ancestor.type === 'element' && ancestor.tagName === 'li' && String(ancestor.properties.id ?? '').startsWith('fn-'))
      const list = ancestors.at(ancestors.indexOf(item as never) - 1)
      const note = item && list && 'children' in list ? list.children.filter((child) => child.type === 'element').indexOf(item) + 1 : 0
      found.push({node, data, chapter, note: note === 0 ? 0 : notesBefore + note})
    })
    notesBefore += notesHere
  }
  return found
}

/**
 * Render the work's citations and place its bibliography. Citations of
 * keys the bibliography lacks stay as written, with a warning.
 */
export function renderCitations(placeholders: Placeholder[], chapters: ChapterText[], apparatus: Apparatus, context: RenderContext): void {
  const {bibliography, style} = apparatus
  const sources = placeholders.filter((placeholder) => !placeholder.data.items.every((item) => isCrossReference(item.key)))
  const usable = sources.filter((placeholder) => {
    const unknown = placeholder.data.items.filter((item) => !bibliography.items.has(item.key))
    for (const item of unknown) {
      const reason = isCrossReference(item.key)
        ? `\`@${item.key}\` is a cross-reference, and cannot share a citation with sources: \`${placeholder.data.source}\` is shown as written`
        : `Unknown citation key \`${item.key}\`: no entry in the bibliography (${bibliography.files.map((file) => file.file.basename).join(', ') || 'none read'}); \`${placeholder.data.source}\` is shown as written`
      warn(placeholder.chapter.file, reason, placeholder.node, 'citation-key')
    }
    if (unknown.length > 0) placeholder.node.properties.className = ['citation', 'citation-unknown']
    return unknown.length === 0
  })
  const nocite = apparatus.nocite.includes('*') ? [...bibliography.items.keys()] : apparatus.nocite.filter((key) => bibliography.items.has(key))
  if (usable.length === 0 && nocite.length === 0) return

  const engine = citationEngine(style, apparatus.lang, bibliography)
  const linked = !style.notes
  const keys: string[] = []
  engine.sys.link = linked ? (key) => keys.push(key) - 1 : undefined
  const cited = usable.filter((placeholder) => !placeholder.data.authorOnly)
  // `@doe99 says` with an author-date style: the name, then the rest as a citation without it ("Doe (1999)").
  const clusters = cited.map((placeholder) => ({
    items: placeholder.data.items.map((item, n) => citationItem(n === 0 && placeholder.data.authorInText ? {...item, suppressAuthor: true} : item)),
    note: style.notes ? placeholder.note : 0
  }))
  const {engine: citeproc} = engine
  citeproc.setOutputFormat('html')
  citeproc.updateItems([...new Set(clusters.flatMap((cluster) => cluster.items.map((item) => item.id)))])
  citeproc.updateUncitedItems(nocite)
  const rendered = renderClusters(citeproc, clusters)
  const {layout_prefix: prefix, layout_suffix: suffix} = citeproc.citation.opt
  for (const [index, placeholder] of cited.entries()) {
    const html = rendered[index]!
    // With the citation wrapper on, citeproc-js leaves the layout's affixes ("(" and ")") to the caller.
    let whole = linked ? `${prefix}${html}${suffix}` : html
    if (style.notes && placeholder.data.ownNote) whole = capitalizeFirst(whole)
    // A note style's citation inside the author's own note stands in parentheses, as Pandoc sets it.
    else if (style.notes && placeholder.note > 0) whole = `(${whole.replace(new RegExp(`${escapeRegExp(suffix)}$`), '')})`
    fill(placeholder, placeholder.data.authorInText ? `${authorOnly(engine, placeholder.data.items[0]!.key)} ${whole}` : whole)
  }
  for (const placeholder of usable.filter((item) => item.data.authorOnly)) {
    const first = placeholder.data.items[0]!
    fill(placeholder, authorOnly(engine, first.key))
  }

  const entryIds = new Map<string, string>()
  const bibliographyHtml = engine.engine.bibliography ? engine.engine.makeBibliography() : false
  const entries: Element[] = []
  if (bibliographyHtml) {
    const [parameters, html] = bibliographyHtml
    for (const [index, entry] of html.entries()) {
      const key = parameters.entry_ids[index]?.[0]
      const element = fragment(entry).find((node): node is Element => node.type === 'element')
      if (!element || key === undefined) continue
      const id = context.claimId(`ref-${key}`)
      entryIds.set(key, id)
      element.properties = {id, className: ['csl-entry']}
      entries.push(element)
    }
  }
  // Links from citations to their entries.
  for (const placeholder of cited) {
    visitParents(placeholder.node, 'element', (node) => {
      const index = node.properties.dataFolioKey
      if (index === undefined) return
      delete node.properties.dataFolioKey
      const id = entryIds.get(keys[Number(index)]!)
      if (id) {
        node.properties.href = `#${id}`
        node.properties.role = 'doc-biblioref'
      } else {
        node.tagName = 'span'
      }
    })
  }
  if (entries.length > 0) placeBibliography(entries, chapters, style, context)
}

/**
 * Each cluster's HTML, in reading order. The position of each cite (first,
 * subsequent, ibid., near note) is decided here, as CSL 1.0.2 defines it
 * (https://docs.citationstyles.org/en/stable/specification.html#position),
 * and each cluster is rendered once: citeproc-js's own sequence
 * (`rebuildProcessorState`) looks back over every earlier citation for each
 * new one, which took minutes for a book of 2,000 citations.
 */
function renderClusters(engine: Engine, clusters: Array<{items: CitationItem[]; note: number}>): string[] {
  const nearNoteDistance = Number(engine.citation.opt['near-note-distance' as never] ?? 5) || 5
  const firstNote = new Map<string, number>()
  const lastNote = new Map<string, number>()
  let previous: CitationItem[] = []
  return clusters.map(({items, note}) => {
    const positioned = items.map((item, index) => {
      const before = index > 0 ? items[index - 1] : previous.length === 1 ? previous[0] : undefined
      let position = 0
      if (firstNote.has(item.id)) {
        position = 1
        if (before?.id === item.id) {
          if (!item.locator && !before.locator) position = 2
          else if (item.locator && item.locator !== before.locator) position = 3
          else if (item.locator === before.locator) position = 2
        }
      }
      const last = lastNote.get(item.id)
      return {
        ...item,
        position,
        ...(firstNote.has(item.id) ? {'first-reference-note-number': firstNote.get(item.id)} : {}),
        ...(note > 0 && last !== undefined && note - last <= nearNoteDistance ? {'near-note': true} : {})
      }
    })
    for (const item of items) {
      if (!firstNote.has(item.id)) firstNote.set(item.id, note)
      lastNote.set(item.id, note)
    }
    previous = items
    return engine.makeCitationCluster(positioned)
  })
}

/** A note starts with a capital: "See also …". */
function capitalizeFirst(html: string): string {
  return html.replace(/^((?:<[^>]+>)*)(\p{Ll})/u, (_, tags: string, letter: string) => tags + letter.toUpperCase())
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function citationItem(item: CitationData['items'][number]): CitationItem {
  return {
    id: item.key,
    ...(item.prefix ? {prefix: item.prefix} : {}),
    ...(item.suffix ? {suffix: item.suffix} : {}),
    ...(item.locator ? {locator: item.locator, label: item.label ?? 'page'} : {}),
    ...(item.suppressAuthor ? {'suppress-author': true} : {})
  }
}

/** Replace a placeholder's text (what the author wrote) with citeproc-js's HTML. */
function fill(placeholder: Placeholder, html: string): void {
  placeholder.node.children = fragment(html) as ElementContent[]
}

const htmlFragment = unified().use(rehypeParse, {fragment: true})

function fragment(html: string): RootContent[] {
  const tree = htmlFragment.parse(html)
  // citeproc-js writes markup for small caps and the like as spans with a style; Folio's pages carry no inline styles.
  visitParents(tree, 'element', (node) => {
    const css = String(node.properties.style ?? '')
    if (css) {
      delete node.properties.style
      const classes: string[] = []
      if (/small-caps/.test(css)) classes.push('small-caps')
      if (/font-style:\s*normal/.test(css)) classes.push('upright')
      if (/font-weight:\s*normal/.test(css)) classes.push('regular')
      if (/text-decoration:\s*underline/.test(css)) classes.push('underline')
      if (/baseline/.test(css)) classes.push('baseline')
      if (classes.length > 0) node.properties.className = classes
    }
  })
  return tree.children
}

/**
 * The author's name alone, for `@key says` with a note style. citeproc-js
 * renders it from the note layout, where it can keep the label of a group
 * whose variable it left out ("Serhii Plokhy, no."): such a trailing label,
 * one of the locale's short terms, is dropped.
 */
function authorOnly(engine: CitationEngine, key: string): string {
  let html = engine.engine.makeCitationCluster([{id: key, 'author-only': true}])
  for (;;) {
    const trailing = /,\s*([^\s,<>]+)$/.exec(html)
    if (!trailing || !engine.terms.has(trailing[1]!.toLowerCase())) break
    html = html.slice(0, trailing.index)
  }
  return html
}

/** Put the entries where `:::refs` is, else at the end of the last chapter (before its notes). */
function placeBibliography(entries: Element[], chapters: ChapterText[], style: CitationStyle, context: RenderContext): void {
  const body: Element = {type: 'element', tagName: 'div', properties: {className: ['csl-bib-body']}, children: interleave(entries)}
  const blocks: Array<{node: Element; chapter: ChapterText}> = []
  for (const chapter of chapters) {
    visitParents(chapter.tree, 'element', (node) => {
      const classes = Array.isArray(node.properties.className) ? node.properties.className : []
      if (node.tagName === 'div' && classes.includes('refs')) blocks.push({node, chapter})
    })
  }
  for (const extra of blocks.slice(1)) {
    warn(extra.chapter.file, 'A second `:::refs` block: the bibliography is placed at the first one only', extra.node, 'bibliography-place')
  }
  const block = blocks[0]?.node
  if (block) {
    const heading = block.children.find((child): child is Element => child.type === 'element' && /^h[1-6]$/.test(child.tagName))
    block.tagName = 'section'
    block.properties = {
      id: context.claimId('refs'),
      className: ['references'],
      role: 'doc-bibliography',
      ...(heading?.properties.id ? {ariaLabelledBy: [String(heading.properties.id)]} : {ariaLabel: toString(heading ?? {type: 'text', value: ''}) || headingText(style, context.strings)})
    }
    block.children.push(body, {type: 'text', value: '\n'})
    return
  }
  const last = chapters.at(-1)!
  const single = chapters.length === 1
  const title = headingText(style, context.strings)
  const headingId = context.claimId(single ? 'references' : 'bibliography')
  const section: Element = {
    type: 'element',
    tagName: 'section',
    properties: {id: context.claimId('refs'), className: ['references'], role: 'doc-bibliography', ariaLabelledBy: [headingId]},
    children: [
      {type: 'text', value: '\n'},
      {type: 'element', tagName: single ? 'h2' : 'h1', properties: {id: headingId}, children: [{type: 'text', value: title}]},
      {type: 'text', value: '\n'},
      body,
      {type: 'text', value: '\n'}
    ]
  }
  const notes = last.tree.children.findIndex((node) => node.type === 'element' && node.tagName === 'section' && node.properties.dataFootnotes !== undefined)
  if (notes === -1) last.tree.children.push({type: 'text', value: '\n'}, section)
  else last.tree.children.splice(notes, 0, section, {type: 'text', value: '\n'})
}

function headingText(style: CitationStyle, strings: Strings): string {
  return style.notes ? strings.bibliography : strings.references
}

function interleave(entries: Element[]): ElementContent[] {
  return entries.flatMap((entry) => [{type: 'text', value: '\n'} as const, entry])
}

interface CitationEngine {
  engine: Engine
  sys: {link: ((key: string) => number) | undefined}
  /** The locale's short terms, lower case (labels citeproc-js may leave behind). */
  terms: Set<string>
}

/** Engines by style, locale and sources: making one reads the whole style, so a watch session keeps them. */
const engines = new Map<string, CitationEngine>()

function citationEngine(style: CitationStyle, lang: string, bibliography: Bibliography): CitationEngine {
  const locale = cslLocaleTag(lang)
  const key = createHash('sha256')
    .update(style.xml)
    .update(locale)
    .update(JSON.stringify([...bibliography.items.values()]))
    .digest('hex')
  const cached = engines.get(key)
  if (cached) return cached
  const items = new Map(bibliography.items)
  const sys: CitationEngine['sys'] & {retrieveLocale: (tag: string) => string | false; retrieveItem: (id: string) => CslItem | undefined; wrapCitationEntry: (html: string, id: string) => string} = {
    link: undefined,
    retrieveLocale: (tag) => cslLocale(tag),
    // `system_id` is what citeproc-js hands to wrapCitationEntry.
    retrieveItem: (id) => {
      const item = items.get(id)
      return item ? {...item, system_id: id} : undefined
    },
    // Each item of a citation, marked for a link to its entry once the entry's id is known.
    wrapCitationEntry: (html, id) => (sys.link ? `<a data-folio-key="${sys.link(id)}">${html}</a>` : html)
  }
  const engine = new (citeproc().Engine)(sys, style.xml, locale, true)
  engine.opt.development_extensions.wrap_url_and_doi = true
  engine.opt.development_extensions.apply_citation_wrapper = !style.notes
  const made: CitationEngine = {engine, sys, terms: shortTerms(locale)}
  if (engines.size >= 4) engines.delete(engines.keys().next().value!)
  engines.set(key, made)
  return made
}
