/**
 * Raw HTML that a browser accepts but XHTML does not: the EPUB is checked
 * against HTML's content model, and an HTML parser builds trees that break
 * it (a `<table>` in a `<p>` left open, a `<div>` in `<em>`, a `<p>` among
 * `<li>`s), and attribute values HTML does not know (`lang="not a tag"`,
 * `dir="sideways"`, `<time datetime="bogus">`, `colspan="100000"`). Each is
 * restructured, or the attribute dropped, with a warning at its place; no
 * text is lost. Runs after the sanitiser, on chapters with raw HTML only:
 * what Markdown makes is valid already.
 *
 * https://html.spec.whatwg.org/multipage/dom.html#content-models
 */
import type {Element, ElementContent, Root} from 'hast'
import {toString} from 'hast-util-to-string'
import type {VFile} from 'vfile'
import {tableGrid} from '../document/table-grid.ts'
import {warn} from '../messages.ts'

/** Elements whose content is phrasing only: a block inside one is lifted out, the element split around it. */
const phrasingOnly = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'del', 'dfn', 'em',
  'i', 'ins', 'kbd', 'mark', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup',
  'time', 'u', 'var'
])

/** Elements that are flow content only: never inside a phrasing-only element. */
const blocks = new Set([
  'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figure', 'footer', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul',
  'li', 'dd', 'dt', 'figcaption', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'summary'
])

/** Interactive content may not nest: no link in a link. */
const interactive = new Set(['a', 'details', 'input', 'label', 'button'])

const isLanguageTag = (tag: string): boolean => {
  if (tag === '') return true
  try {
    return Intl.getCanonicalLocales(tag).length === 1
  } catch {
    return false
  }
}

/** Valid date, time, date-time, duration, week or year strings (HTML §2.3.5). */
const dateTime = new RegExp(
  '^(' +
    [
      '\\d{4,}(-\\d\\d(-\\d\\d)?)?',
      '\\d{4,}-W\\d\\d',
      '\\d\\d-\\d\\d',
      '\\d\\d:\\d\\d(:\\d\\d(\\.\\d{1,3})?)?',
      '\\d{4,}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d(:\\d\\d(\\.\\d{1,3})?)?(Z|[+-]\\d\\d:?\\d\\d)?',
      'Z|[+-]\\d\\d:?\\d\\d',
      'P(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+(\\.\\d{1,3})?S)?)?',
      '(\\s*\\d+(\\.\\d{1,3})?\\s*[WDHMS])+'
    ].join('|') +
    ')$'
)

/** Checks of attribute values, by property name: invalid values are dropped. */
const attributeChecks: Record<string, (value: unknown, element: Element) => boolean> = {
  lang: (value) => typeof value === 'string' && isLanguageTag(value),
  hrefLang: (value) => typeof value === 'string' && value !== '' && isLanguageTag(value),
  dir: (value) => value === 'ltr' || value === 'rtl' || value === 'auto',
  dateTime: (value) => typeof value === 'string' && dateTime.test(value.trim()),
  id: (value) => typeof value === 'string' && value !== '',
  start: (value) => Number.isInteger(Number(value)),
  value: (value, element) => element.tagName !== 'li' || Number.isInteger(Number(value)),
  type: (value, element) => element.tagName !== 'ol' || ['1', 'a', 'A', 'i', 'I'].includes(String(value)),
  scope: (value) => ['row', 'col', 'rowgroup', 'colgroup'].includes(String(value)),
  width: (value, element) => element.tagName !== 'img' || /^\d+$/.test(String(value)),
  height: (value, element) => element.tagName !== 'img' || /^\d+$/.test(String(value)),
  span: (value) => /^\d+$/.test(String(value)) && Number(value) >= 1 && Number(value) <= 1000
}

/** HTML's limits on table spans (§4.9.11): larger values are clamped. */
const spanLimits: Record<string, [number, number]> = {colSpan: [1, 1000], rowSpan: [0, 65_534]}

/** A rehype plugin. */
export default function rehypeContentModel() {
  return (tree: Root, file: VFile): void => {
    if (file.data.rawHtml === false) return
    const report = (reason: string, node: Element) => warn(file, `Raw HTML: ${reason}`, node, 'raw-html-structure')
    fixContainer(tree, report, false)
  }
}

type Report = (reason: string, node: Element) => void

/** Fix the children of an element (or the root) whose content may be flow content. */
function fixContainer(parent: Root | Element, report: Report, inInteractive: boolean): void {
  const children: Array<Root['children'][number]> = []
  const take = (child: Root['children'][number]): void => {
    if (child.type !== 'element') {
      children.push(child)
      return
    }
    fixAttributes(child, report)
    if (inInteractive && interactive.has(child.tagName)) {
      report(`<${child.tagName}> cannot stand inside a link or another control; its text is kept`, child)
      for (const grandchild of child.children) take(grandchild)
      return
    }
    if (phrasingOnly.has(child.tagName)) {
      for (const piece of split(child, report, inInteractive || interactive.has(child.tagName))) children.push(piece)
      return
    }
    for (const moved of fixStructure(child, report)) children.push(moved)
    fixContainer(child, report, inInteractive || interactive.has(child.tagName))
    children.push(child)
  }
  for (const child of parent.children) take(child)
  parent.children = children as typeof parent.children
}

/**
 * A phrasing-only element, split around every block found in it (at any
 * depth of phrasing elements): `<p>a<table/>b</p>` becomes `<p>a</p>
 * <table/> <p>b</p>`. The pieces keep the element's attributes; only the
 * first keeps its id.
 */
function split(element: Element, report: Report, inInteractive: boolean): ElementContent[] {
  const pieces: ElementContent[] = []
  let run: ElementContent[] = []
  let first = true
  const flush = () => {
    if (run.some((node) => node.type !== 'text' || node.value.trim() !== '')) {
      const properties = {...element.properties}
      if (!first) delete properties.id
      first = false
      pieces.push({...element, properties, children: run})
    } else if (run.length > 0 && pieces.length > 0) {
      for (const node of run) pieces.push(node)
    }
    run = []
  }
  const take = (child: ElementContent): void => {
    if (child.type !== 'element') {
      run.push(child)
      return
    }
    fixAttributes(child, report)
    if (inInteractive && interactive.has(child.tagName)) {
      report(`<${child.tagName}> cannot stand inside a link or another control; its text is kept`, child)
      for (const grandchild of child.children) take(grandchild)
      return
    }
    if (blocks.has(child.tagName)) {
      report(`<${child.tagName}> cannot stand inside <${element.tagName}>; the <${element.tagName}> is split around it`, child)
      flush()
      if (phrasingOnly.has(child.tagName)) for (const piece of split(child, report, false)) pieces.push(piece)
      else {
        for (const moved of fixStructure(child, report)) pieces.push(moved)
        fixContainer(child, report, false)
        pieces.push(child)
      }
      return
    }
    if (phrasingOnly.has(child.tagName)) {
      for (const piece of split(child, report, inInteractive || interactive.has(child.tagName))) {
        if (piece.type === 'element' && blocks.has(piece.tagName)) {
          flush()
          pieces.push(piece)
        } else run.push(piece)
      }
      return
    }
    fixContainer(child, report, inInteractive)
    run.push(child)
  }
  for (const child of element.children) take(child)
  flush()
  if (pieces.length === 0) pieces.push({...element, children: []})
  fixBdo(pieces, report)
  return pieces
}

/** `<bdo>` must say its direction; without one it is a plain span. */
function fixBdo(pieces: ElementContent[], report: Report): void {
  for (const piece of pieces) {
    if (piece.type === 'element' && piece.tagName === 'bdo' && typeof piece.properties.dir !== 'string') {
      report('<bdo> without a `dir` is written as a plain <span>', piece)
      piece.tagName = 'span'
    }
    if (piece.type === 'element' && piece.tagName === 'time' && piece.properties.dateTime === undefined && !dateTime.test(toString(piece).trim())) {
      report('<time> without a machine-readable date is written as a plain <span>', piece)
      piece.tagName = 'span'
    }
  }
}

/**
 * Lists hold items, a list of terms its terms and descriptions, a figure
 * one caption first or last, details a summary first. Returns what must
 * stand before the element instead of inside it.
 */
function fixStructure(element: Element, report: Report): ElementContent[] {
  const elements = (nodes: ElementContent[]) => nodes.filter((node): node is Element => node.type === 'element')
  if (element.tagName === 'ul' || element.tagName === 'ol') {
    const children: ElementContent[] = []
    for (const child of element.children) {
      if (child.type === 'text' && child.value.trim() === '') children.push(child)
      else if (child.type === 'element' && child.tagName === 'li') children.push(child)
      else {
        const item = elements(children).at(-1)
        if (child.type === 'element') report(`<${child.tagName}> cannot stand among the items of <${element.tagName}>; it joins ${item ? 'the item before it' : 'an item of its own'}`, child)
        if (item) item.children.push(child)
        else children.push({type: 'element', tagName: 'li', properties: {}, children: [child]})
      }
    }
    element.children = children
  } else if (element.tagName === 'dl') {
    const inside: ElementContent[] = []
    const before: ElementContent[] = []
    let seenTerm = false
    for (const child of element.children) {
      if (child.type === 'text' && child.value.trim() === '') inside.push(child)
      else if (child.type === 'element' && (child.tagName === 'dt' || (child.tagName === 'dd' && seenTerm))) {
        seenTerm ||= child.tagName === 'dt'
        inside.push(child)
      } else if (child.type === 'element' && child.tagName === 'dd') {
        report('<dd> without a <dt> before it is written as a <div> before the list', child)
        before.push({...child, tagName: 'div'})
      } else {
        if (child.type === 'element') report(`<${child.tagName}> cannot stand in a <dl>; it is moved to just before the list`, child)
        before.push(child)
      }
    }
    element.children = inside
    return before
  } else if (element.tagName === 'figure') {
    const captions = elements(element.children).filter((child) => child.tagName === 'figcaption')
    const content = elements(element.children)
    // The caption that stands first, else the one that stands last.
    const kept = captions[0] === content[0] ? captions[0] : captions.at(-1) === content.at(-1) ? captions.at(-1) : undefined
    for (const caption of captions) {
      if (caption !== kept) {
        report('A figure has one caption, first or last; another <figcaption> is written as a <div>', caption)
        caption.tagName = 'div'
      }
    }
  } else if (element.tagName === 'table') {
    collapseEmptyColumns(element, report)
  } else if (element.tagName === 'details') {
    const first = elements(element.children)[0]
    if (first?.tagName !== 'summary') {
      report('<details> without a <summary> first is written as a <div>', element)
      element.tagName = 'div'
      delete element.properties.open
    }
  }
  return []
}

/** Drop attribute values HTML does not know; clamp table spans. */
function fixAttributes(element: Element, report: Report): void {
  for (const [key, value] of Object.entries(element.properties)) {
    if (value === undefined || value === null) continue
    const check = attributeChecks[key]
    if (check && !check(value, element)) {
      report(`the \`${attributeName(key)}\` of <${element.tagName}> is not a value HTML knows (${JSON.stringify(String(value))}); it is dropped`, element)
      delete element.properties[key]
      continue
    }
    if (key === 'id' && typeof value === 'string' && /\s/.test(value)) {
      report(`the id ${JSON.stringify(value)} has white space in it; it is written with hyphens`, element)
      element.properties.id = value.replace(/\s+/g, '-')
    }
    const limits = spanLimits[key]
    if (limits) {
      const number = Number(value)
      const clamped = Number.isFinite(number) ? Math.min(limits[1], Math.max(limits[0], Math.trunc(number))) : 1
      if (clamped !== number) {
        report(`the \`${attributeName(key)}\` of <${element.tagName}> is ${String(value)}; HTML allows ${limits[0]} to ${limits[1]}`, element)
        element.properties[key] = clamped
      }
    }
  }
}

/**
 * A column in which no cell begins (made by a `colspan` wider than the
 * table) breaks HTML's table model: such columns are taken out, and the
 * spans over them shortened.
 */
function collapseEmptyColumns(table: Element, report: Report): void {
  const grid = tableGrid(table)
  const starts = [...new Set(grid.cells.map((cell) => cell.column))].sort((a, b) => a - b)
  if (starts.length === grid.width) return
  /** Columns that begin a cell before `column`. */
  const rank = (column: number): number => {
    let low = 0
    let high = starts.length
    while (low < high) {
      const middle = (low + high) >> 1
      if (starts[middle]! < column) low = middle + 1
      else high = middle
    }
    return low
  }
  report(`${grid.width - starts.length} column${grid.width - starts.length === 1 ? '' : 's'} of this table would hold no cell of their own (a \`colspan\` wider than the table); the spans are shortened`, table)
  for (const {cell, column, colSpan} of grid.cells) {
    const span = Math.max(1, rank(column + colSpan) - rank(column))
    if (span !== colSpan) cell.properties.colSpan = span
  }
}

function attributeName(property: string): string {
  return property === 'dateTime' ? 'datetime' : property === 'hrefLang' ? 'hreflang' : property.toLowerCase()
}
