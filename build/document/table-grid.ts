/**
 * Where each cell of a table stands: HTML's algorithm for forming a table
 * (https://html.spec.whatwg.org/multipage/tables.html#forming-a-table),
 * with spans, cells spanning rows, and row groups. Used to keep raw HTML
 * tables within HTML's table model and to break wide tables into column
 * slices for print. Linear in the cells and the rows they span: a span is
 * an interval, never a slot per column.
 */
import type {Element} from 'hast'

export interface GridCell {
  cell: Element
  /** Index into `rows`. */
  row: number
  /** First column it stands in (0-based). */
  column: number
  colSpan: number
  rowSpan: number
}

export interface TableGrid {
  /** Every `tr`, in order, whatever group it is in. */
  rows: Element[]
  /** Where each row's group starts, as indices into `rows`. */
  groups: Array<{element: Element | undefined; start: number; end: number}>
  cells: GridCell[]
  /** Columns in all. */
  width: number
}

/** HTML's limits on spans (§4.9.11). */
export const maxColSpan = 1000
export const maxRowSpan = 65_534

const isElement = (node: unknown): node is Element => (node as Element | undefined)?.type === 'element'

export function tableGrid(table: Element): TableGrid {
  const groups: TableGrid['groups'] = []
  const rows: Element[] = []
  let loose: Element[] = []
  const closeLoose = () => {
    if (loose.length === 0) return
    groups.push({element: undefined, start: rows.length, end: rows.length + loose.length})
    for (const row of loose) rows.push(row)
    loose = []
  }
  for (const child of table.children) {
    if (!isElement(child)) continue
    if (child.tagName === 'tr') loose.push(child)
    else if (child.tagName === 'thead' || child.tagName === 'tbody' || child.tagName === 'tfoot') {
      closeLoose()
      const members = child.children.filter((row): row is Element => isElement(row) && row.tagName === 'tr')
      groups.push({element: child, start: rows.length, end: rows.length + members.length})
      for (const member of members) rows.push(member)
    }
  }
  closeLoose()

  const cells: GridCell[] = []
  let width = 0
  for (const group of groups) {
    /** Cells from rows above that still cover this row: their columns, sorted by where they start. */
    let spanning: GridCell[] = []
    for (let row = group.start; row < group.end; row++) {
      spanning = spanning.filter((cell) => cell.row + cell.rowSpan > row)
      const placed: GridCell[] = []
      let column = 0
      let next = 0
      for (const cell of rows[row]!.children) {
        if (!isElement(cell) || (cell.tagName !== 'td' && cell.tagName !== 'th')) continue
        // Step over the cells from above that stand where this one would.
        while (next < spanning.length && spanning[next]!.column <= column) {
          column = Math.max(column, spanning[next]!.column + spanning[next]!.colSpan)
          next++
        }
        const colSpan = clamp(Number(cell.properties.colSpan ?? 1), 1, maxColSpan)
        const asked = Number(cell.properties.rowSpan ?? 1)
        const rowSpan = asked === 0 ? group.end - row : clamp(asked, 1, Math.min(maxRowSpan, group.end - row))
        const placedCell = {cell, row, column, colSpan, rowSpan}
        cells.push(placedCell)
        placed.push(placedCell)
        column += colSpan
        width = Math.max(width, column)
      }
      for (const cell of spanning) width = Math.max(width, cell.column + cell.colSpan)
      spanning = [...spanning, ...placed.filter((cell) => cell.rowSpan > 1)].sort((a, b) => a.column - b.column)
    }
  }
  return {rows, groups, cells, width}
}

function clamp(value: number, low: number, high: number): number {
  return Number.isFinite(value) ? Math.min(high, Math.max(low, Math.trunc(value))) : low
}
