/**
 * The locator in a citation's suffix, by Pandoc's rules
 * (https://pandoc.org/MANUAL.html#citation-syntax): after an optional comma,
 * a locator term of the style's locale (`p.`, `pp.`, `chap.`, `sec.`, `§`,
 * `page`, `chapter`, … in the long, short and symbol forms, singular and
 * plural) and a value with a digit in it (`33`, `33-35`, `33, 40`, `iv`
 * after a term); a bare number is a page. `{…}` says exactly what the
 * locator is: `[@a, {pp. iv, vi-xi, (xv)-(xvii)} with a suffix]`. What
 * follows the locator is the suffix; a suffix without a locator that does
 * not start with punctuation or a space gets a comma before it.
 */

export interface Located {
  locator?: string
  /** CSL locator label, when there is a locator. */
  label?: string
  suffix: string
}

const roman = /^[ivxlcdm]+$/i
/** One part of a locator value: `33`, `33a`, `C22`, `xvii`, `34(1)`, `[17]`. */
const unit = /^(?:\[[^\]\s]*\]|\([^)\s]*\)|[\p{L}\p{N}]+)(?:\.[\p{L}\p{N}]+)*(?:\([^)\s]*\))*/u

/**
 * @param suffix The suffix as written, after the key (`, pp. 33-35, and passim`).
 * @param terms Locator terms, lower case, to the CSL locator they name.
 */
export function parseLocator(suffix: string, terms: Map<string, string>): Located {
  let rest = suffix.replace(/^,/, '').replace(/^\s+/, '')
  if (rest.startsWith('{')) {
    const close = balancedEnd(rest)
    if (close !== -1) {
      const inner = rest.slice(1, close).trim()
      const term = termAt(inner, terms)
      return {
        label: term ? term.label : 'page',
        locator: dashes(term ? inner.slice(term.length).trim() : inner),
        suffix: rest.slice(close + 1)
      }
    }
  }
  const term = termAt(rest, terms)
  const label = term?.label ?? 'page'
  if (term) rest = rest.slice(term.length).replace(/^\s+/, '')
  const value = locatorValue(rest, term !== undefined)
  if (!value) return {suffix: withComma(suffix)}
  return {label, locator: dashes(value.trim()), suffix: rest.slice(value.length)}
}

/** The longest locator term at the start of `text` that a space, a digit or the end follows (or that ends with `.`). */
function termAt(text: string, terms: Map<string, string>): {label: string; length: number} | undefined {
  const lower = text.toLowerCase()
  let best: {label: string; length: number} | undefined
  for (const [word, label] of terms) {
    if (!lower.startsWith(word) || (best && best.length >= word.length)) continue
    const next = text[word.length]
    if (next === undefined || /\s/.test(next) || /\d/.test(next) || /[.§¶]$/.test(word)) best = {label, length: word.length}
  }
  return best
}

/** A locator's value: units joined by `-`, `–` or `, `, with a digit somewhere (or a roman numeral after a term). */
function locatorValue(text: string, explicit: boolean): string | undefined {
  let at = 0
  let digits = false
  for (let first = true; ; first = false) {
    let separator = ''
    if (!first) {
      separator = /^(?:\s*(?:-{1,3}|[–—])\s*|,\s*|\s*&\s*)/.exec(text.slice(at))?.[0] ?? ''
      if (!separator && !/^[-–—]/.test(text.slice(at))) break
    }
    const part = unit.exec(text.slice(at + separator.length))?.[0]
    if (!part) break
    const hasDigit = /\d/.test(part)
    // After the first unit, a word without digits ends the locator (`33, and passim`).
    if (!hasDigit && !(explicit && roman.test(part)) && !(first && explicit && roman.test(part))) {
      if (first) return undefined
      break
    }
    digits ||= hasDigit || roman.test(part)
    at += separator.length + part.length
  }
  return at > 0 && digits ? text.slice(0, at) : undefined
}

function balancedEnd(text: string): number {
  let depth = 0
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '{' || text[index] === '[') depth++
    else if (text[index] === '}' || text[index] === ']') {
      depth--
      if (depth === 0) return text[index] === '}' ? index : -1
    }
  }
  return -1
}

function withComma(suffix: string): string {
  if (suffix === '' || /^[\s\p{P}]/u.test(suffix)) return suffix
  return `, ${suffix}`
}

/** `33--35` as Pandoc's smart typography sets it: `33–35`. */
function dashes(locator: string): string {
  return locator.replace(/---/g, '—').replace(/--/g, '–')
}
