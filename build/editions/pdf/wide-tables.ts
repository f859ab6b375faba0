/**
 * A table too wide for the page would lose its last columns in the PDF:
 * Chromium clips what stands past the margin. A table whose columns cannot
 * all stand side by side at the smaller type of wide tables (each as wide
 * as its longest word, up to twelve letters) is printed in parts of as many
 * columns as fit, one after another, the first column repeated in each so
 * that rows can be followed, each part captioned with the columns it holds.
 * Cells keep `overflow-wrap: anywhere`, so that no text runs past its cell.
 * The HTML page scrolls such a table in its own box; the EPUB keeps it.
 */
import type {Element, ElementContent, Root} from 'hast'
import {toString} from 'hast-util-to-string'
import type {PageSize} from '../../document/page-sizes.ts'
import {tableGrid, type GridCell} from '../../document/table-grid.ts'
import type {Strings} from '../../strings.ts'

export interface SliceOptions {
  pageSize: PageSize
  strings: Strings
  /** Reports a table that was printed in parts. */
  report: (table: Element, reason: string) => void
}

/** Type size of wide tables, relative to the text (templates/styles/base.css, table.wide). */
const wideTableSize = 0.8
/** Average width of a character, and a cell's padding, in ems of the table's type (a generous guess for Source Serif 4). */
const characterWidth = 0.55
const cellPadding = 0.7
/** Longest word counted: longer words break inside their cell. */
const longestCounted = 12
const millimetresPerPoint = 25.4 / 72

/** Split every table of `tree` that is too wide for the page into parts (changes the tree in place). */
export function sliceWideTables(tree: Root, options: SliceOptions): void {
  const {pageSize} = options
  const textWidth = pageSize.width - pageSize.margin.inner - pageSize.margin.outer
  const available = textWidth / (pageSize.fontSize * wideTableSize * millimetresPerPoint)
  const stack: Array<Root | Element> = [tree]
  while (stack.length > 0) {
    const parent = stack.pop()!
    for (let index = 0; index < parent.children.length; index++) {
      const child = parent.children[index]!
      if (child.type !== 'element') continue
      if (child.tagName !== 'table') {
        stack.push(child)
        continue
      }
      const parts = slices(child, available, options)
      if (parts.length > 1) {
        parent.children.splice(index, 1, ...parts)
        index += parts.length - 1
      }
    }
  }
}

/** The table in parts that fit `available` ems, or the table itself. */
function slices(table: Element, available: number, options: SliceOptions): Element[] {
  const grid = tableGrid(table)
  if (grid.width < 2) return [table]
  const widths = columnWidths(grid.cells, grid.width)
  if (widths.reduce((sum, width) => sum + width, 0) <= available) return [table]
  // Greedy: as many columns as fit, the first column again at the start of every later part.
  const ranges: Array<[number, number]> = []
  let start = 0
  while (start < grid.width) {
    let used = start === 0 ? 0 : widths[0]!
    let end = start
    while (end < grid.width && (end === start || used + widths[end]! <= available)) used += widths[end++]!
    ranges.push([start, end])
    start = end
  }
  const {strings} = options
  options.report(table, `Table of ${grid.width} columns is too wide for the page: the PDF prints it in ${ranges.length} parts, its first column repeated in each`)
  const caption = table.children.find((child): child is Element => child.type === 'element' && child.tagName === 'caption')
  return ranges.map(([from, to], part) => {
    const columns = (column: number) => (column >= from && column < to) || (part > 0 && column === 0)
    const label: ElementContent = {
      type: 'element',
      tagName: 'span',
      properties: {className: ['table-columns']},
      children: [{type: 'text', value: strings.tableColumns.replace('{from}', String(from + 1)).replace('{to}', String(to)).replace('{count}', String(grid.width))}]
    }
    const captionChildren: ElementContent[] = part === 0 && caption ? [...structuredClone(caption.children), {type: 'text', value: ' '}, label] : [label]
    const rows = grid.rows.map((row, rowIndex) => ({
      ...row,
      properties: {...row.properties},
      children: grid.cells
        .filter((cell) => cell.row === rowIndex)
        .flatMap((cell) => {
          let span = 0
          for (let column = cell.column; column < cell.column + cell.colSpan; column++) if (columns(column)) span++
          if (span === 0) return []
          const copy = structuredClone(cell.cell)
          copy.properties.colSpan = span === 1 ? undefined : span
          // An id stands once in the book: on the part where the cell begins (and not on a repeated first column).
          if (part > 0 && (cell.column === 0 || cell.column < from)) delete copy.properties.id
          return [copy]
        })
    }))
    // Rows back into their groups (thead, tbody, tfoot), so that the header row repeats on each page.
    const children: ElementContent[] = [{type: 'element', tagName: 'caption', properties: caption ? {...caption.properties} : {}, children: captionChildren}]
    for (const group of grid.groups) {
      const members = rows.slice(group.start, group.end)
      if (group.element) children.push({...group.element, properties: {...group.element.properties}, children: members})
      else for (const member of members) children.push(member)
    }
    const classes = Array.isArray(table.properties.className) ? table.properties.className.map(String) : []
    const properties = {...table.properties, className: [...new Set([...classes, 'wide', 'table-part'])]}
    if (part > 0) delete properties.id
    return {type: 'element', tagName: 'table', properties, children}
  })
}

/** Each column's narrowest width in ems: its longest word (up to `longestCounted` letters) and the padding. */
function columnWidths(cells: GridCell[], width: number): number[] {
  const longest = new Array<number>(width).fill(3)
  for (const cell of cells) {
    if (cell.colSpan !== 1) continue
    const words = toString(cell.cell).split(/\s+/)
    for (const word of words) longest[cell.column] = Math.max(longest[cell.column]!, Math.min(longestCounted, [...word].length))
  }
  return longest.map((letters) => cellPadding + letters * characterWidth)
}
