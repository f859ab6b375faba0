/**
 * The part of the print design that depends on the work: page size and
 * margins (mirrored on book sizes, grown by the bleed in the print-ready
 * variant), the running heads' text and where the folio goes. No running
 * head or folio on the first page. On book sizes each chapter is a named
 * page (`chapter-1`, …): its versos carry the book's title, its rectos the
 * chapter's. (Chromium has no page groups, so a chapter's opening page has
 * its head taken out after printing: opening-pages.ts.)
 */
import type {Metadata} from '../../document/document.ts'
import {bleed, type PageSize} from '../../document/page-sizes.ts'

export interface PageStyleOptions {
  pageSize: PageSize
  /** The running head. */
  title: string
  /** Add the bleed around every page. */
  printReady: boolean
  /** Book sizes: the chapters' titles, for the rectos' heads (named pages `chapter-1`, …). */
  chapters?: string[]
  /** The cover is the first page (`.cover-page`): a named page of its own, full-bleed. */
  cover?: boolean
  /**
   * Printed in parts (print-in-parts.ts): folios through the counter style
   * `folio`, which a later part replaces by its own page numbers.
   */
  inParts?: boolean
}

/** The rule that leaves the first page without head and folio; a part after the first goes without it (print-in-parts.ts). */
export const firstPageRule = '@page :first { @top-center { content: none; } @bottom-center { content: none; } @bottom-left { content: none; } @bottom-right { content: none; } }'

const mm = (value: number) => `${Number(value.toFixed(3))}mm`

/** A CSS string literal. */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"]/g, '\\$&').replace(/[\n\r\f]/g, ' ')}"`
}

export function pageStyle({pageSize, title, printReady, chapters = [], cover = false, inParts = false}: PageStyleOptions): string {
  const extra = printReady ? bleed : 0
  const {margin} = pageSize
  const [top, bottom, inner, outer] = [margin.top, margin.bottom, margin.inner, margin.outer].map((value) => mm(value + extra))
  const head = `@top-center { content: ${cssString(title)}; }`
  const blank = '@top-center { content: none; } @bottom-center { content: none; } @bottom-left { content: none; } @bottom-right { content: none; }'
  const rules = [
    `@page { size: ${mm(pageSize.width + 2 * extra)} ${mm(pageSize.height + 2 * extra)}; margin: ${top} ${outer} ${bottom} ${inner}; ${head} }`,
    `html { font-size: ${pageSize.fontSize}pt; }`,
    // The title and copyright pages fill the page area, so that the publisher and the imprint can sit at its foot.
    `.title-page, .copyright-page { height: ${mm(pageSize.height - margin.top - margin.bottom - 2)}; }`
  ]
  // Chromium does not carry a `counter-reset: page N` from one page to the next: a part's folios come from a counter style.
  const folio = inParts ? 'counter(page, folio)' : 'counter(page)'
  if (inParts) rules.push('@counter-style folio { system: extends decimal; }')
  if (pageSize.book) {
    rules.push(
      `@page :left { margin-left: ${outer}; margin-right: ${inner}; @bottom-left { content: ${folio}; font-family: var(--font-display); font-size: 8.5pt; color: var(--color-muted); } }`,
      `@page :right { margin-left: ${inner}; margin-right: ${outer}; @bottom-right { content: ${folio}; font-family: var(--font-display); font-size: 8.5pt; color: var(--color-muted); } }`,
      ...chapters.map((chapter, index) => `@page chapter-${index + 1}:right { @top-center { content: ${cssString(chapter)}; } }`)
    )
  } else {
    rules.push(`@page { @bottom-center { content: ${folio}; } }`)
  }
  rules.push(firstPageRule)
  if (cover) {
    // Its own page, no margins, no head or folio; the image fills the whole sheet (the bleed too).
    const [width, height] = [mm(pageSize.width + 2 * extra), mm(pageSize.height + 2 * extra)]
    rules.push(
      `@page cover { margin: 0; ${blank} }`,
      `.cover-page { page: cover; break-after: page; width: ${width}; height: ${height}; margin: 0; padding: 0; overflow: hidden; }`,
      '.cover-page img { display: block; width: 100%; height: 100%; object-fit: cover; }'
    )
  }
  return rules.join('\n')
}

/**
 * The running head: the theme's, with its placeholders filled from the
 * metadata (`{short-title}` falls back to the title); a placeholder without
 * a value leaves nothing, and the separators around it go with it.
 */
export function runningHeadText(template: string, metadata: Metadata): string {
  const values: Record<string, string | undefined> = {
    title: metadata.title,
    'short-title': metadata.shortTitle ?? metadata.title,
    series: metadata.series,
    publisher: metadata.publisher,
    'report-number': metadata.reportNumber
  }
  const filled = template.replace(/\{([^}]*)\}/g, (_, name: string) => values[name] ?? '\u0000')
  // "{series} · {title}" without a series is "Title", not " · Title".
  return filled
    .split(/\s*\u0000\s*/)
    .map((piece) => piece.replace(/^[\s·|–—:,/-]+|[\s·|–—:,/-]+$/g, (edge) => (edge.trim() === '' ? edge : '')))
    .filter((piece) => piece.trim() !== '')
    .join(' ')
    .trim()
}
