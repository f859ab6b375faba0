/**
 * What a check says about an edition. A failed check lists its problems;
 * problems in the manuscript's terms (a paragraph missing) are also vfile
 * messages at the paragraph's place.
 */
export interface CheckResult {
  /** The edition's format (html, pdf, pdf-print, epub). */
  edition: string
  /** The check (`EPUBCheck`, `text fidelity`, …). */
  check: string
  status: 'pass' | 'fail' | 'skipped'
  /** One line: what passed, or why it was skipped. */
  summary: string
  problems: string[]
}

export const passed = (edition: string, check: string, summary: string): CheckResult => ({edition, check, status: 'pass', summary, problems: []})

export const failed = (edition: string, check: string, problems: string[], summary = `${problems.length} problem${problems.length === 1 ? '' : 's'}`): CheckResult => ({
  edition,
  check,
  status: 'fail',
  summary,
  problems
})

export const skipped = (edition: string, check: string, summary: string): CheckResult => ({edition, check, status: 'skipped', summary, problems: []})

/** A check whose problems are collected as it goes. */
export function verdict(edition: string, check: string, problems: string[], summary: string): CheckResult {
  return problems.length > 0 ? failed(edition, check, problems) : passed(edition, check, summary)
}

/** Folio's own reading of an edition's bytes: its structural checks and its text. */
export interface EditionReading {
  result: CheckResult
  /** The text a reader meets, in reading order, for text fidelity. */
  text: string
  /**
   * The text as each reader's tool gives it (a PDF: pdf.js, poppler,
   * MuPDF), each compared word for word; `text` is the first.
   */
  readings?: Array<{tool: string; text: string}>
  /** Readers' tools not installed, with how to add them. */
  unreadBy?: string[]
  /** Pages, for a paged edition. */
  pages?: number
  /**
   * The edition's text cannot give back scripts whose letters change shape
   * with their neighbours (a PDF's text layer: build/check/fidelity.ts).
   */
  losesShapedScripts?: boolean
}

/** What the checks of one edition found. */
export interface EditionCheck {
  format: string
  /** Absolute path of the edition. */
  file: string
  results: CheckResult[]
  /** Pages, for a paged edition. */
  pages?: number
}
