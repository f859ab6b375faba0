/**
 * Text prepared for print. Soft hyphens, inserted at build time: headless
 * Chromium has no hyphenation dictionaries (docs/decisions/0007), so
 * `hyphens: auto` does nothing in print. Liang's patterns from the `hyphen`
 * package, by the work's language, with the rules of the trade that need no
 * layout: at least two letters before a break and three after it (TeX's
 * \lefthyphenmin and \righthyphenmin for English, and no language of the
 * patterns asks for more); no break in a word in capitals, a word with
 * digits, or a part of a compound with a hyphen; nothing in headings,
 * titles, captions, pull quotes, labels, code or addresses. The rules that
 * need the laid-out lines are in line-breaking.ts.
 */
import type {Element, Root} from 'hast'
import {LRUCache} from 'lru-cache'
import {headingRank} from 'hast-util-heading-rank'
import {toString} from 'hast-util-to-string'
import {codeDigest, requireFromProject} from '../../project.ts'

/** Pattern module by language; a region picks a variant (en-GB). */
const patternsByLanguage: Record<string, string> = {
  en: 'en-us', 'en-GB': 'en-gb', 'en-AU': 'en-gb', 'en-NZ': 'en-gb', 'en-IE': 'en-gb', 'en-ZA': 'en-gb', 'en-IN': 'en-gb',
  uk: 'uk', ru: 'ru', be: 'be', de: 'de-1996', 'de-CH': 'de-ch-1901', fr: 'fr', es: 'es', it: 'it', pt: 'pt',
  nl: 'nl', pl: 'pl', cs: 'cs', sk: 'sk', sv: 'sv', da: 'da', nb: 'nb', nn: 'nn', no: 'no', fi: 'fi', et: 'et',
  lv: 'lv', lt: 'lt', hu: 'hu', ro: 'ro', bg: 'bg', hr: 'hr', sl: 'sl', sr: 'sr', el: 'el-monoton', tr: 'tr',
  ca: 'ca', ga: 'ga', cy: 'cy', eu: 'eu', gl: 'gl', is: 'is', ka: 'ka', hy: 'hy', la: 'la'
}

/** Elements whose text is never hyphenated: code, captions, and labels set in capitals or read as names. */
const keepWhole = new Set(['code', 'pre', 'kbd', 'samp', 'var', 'script', 'style', 'svg', 'math', 'abbr', 'figcaption', 'caption', 'nav'])
const keepWholeClasses = ['callout-label', 'figure-label', 'table-label', 'pullquote', 'title', 'subtitle', 'part-title', 'toc']

/** Fewest letters before and after a break. */
export const hyphenMinimums = {before: 2, after: 3}

/** Words the patterns break wrongly, by language (as in TeX's \hyphenation lists). */
const exceptionsByLanguage: Record<string, string[]> = {
  en: ['rus-sian', 'rus-sians']
}

const require = requireFromProject
const hyphenators = new Map<string, ((word: string) => string) | undefined>()
/** The pattern module of each hyphenator: texts hyphenated are kept by it. */
const patternsOf = new WeakMap<(word: string) => string, string>()

/** The hyphenator for a BCP 47 tag, or undefined when there are no patterns for it. */
export function hyphenatorFor(lang: string): ((word: string) => string) | undefined {
  if (hyphenators.has(lang)) return hyphenators.get(lang)
  let locale: Intl.Locale
  try {
    locale = new Intl.Locale(lang)
  } catch {
    hyphenators.set(lang, undefined)
    return undefined
  }
  const module = patternsByLanguage[`${locale.language}-${locale.region ?? ''}`] ?? patternsByLanguage[locale.language]
  let hyphenator: ((word: string) => string) | undefined
  if (module) {
    // The patterns are loaded at the first word not hyphenated before (20–30 ms for English): a build whose
    // texts were all kept (`keepHyphenation`) loads none.
    let patterns: {hyphenateSync: (text: string, options?: {minWordLength?: number; exceptions?: string[]}) => string} | undefined
    const exceptions = exceptionsByLanguage[locale.language] ?? []
    const cache = new Map<string, string>()
    // Words repeat: a book of 300,000 words has perhaps 20,000 distinct ones.
    hyphenator = (word) => {
      let hyphenated = cache.get(word)
      if (hyphenated === undefined) {
        patterns ??= require(`hyphen/${module}`) as NonNullable<typeof patterns>
        hyphenated = withinMinimums(patterns.hyphenateSync(word, {minWordLength: 6, exceptions}))
        cache.set(word, hyphenated)
      }
      return hyphenated
    }
    patternsOf.set(hyphenator, module)
  }
  hyphenators.set(lang, hyphenator)
  return hyphenator
}

/** Texts hyphenated, by pattern module, then by text: what a build collects for the next process (hyphenation-kept.ts). */
export type TextsHyphenated = Map<string, Map<string, string>>

/**
 * Insert soft hyphens into the running text of a tree (changed in place).
 *
 * @param used Collects the texts hyphenated.
 */
export function hyphenateTree(tree: Root, lang: string, used?: TextsHyphenated): void {
  const workHyphenator = hyphenatorFor(lang)
  const walk = (node: Root | Element, hyphenate: ((word: string) => string) | undefined): void => {
    for (const child of node.children) {
      if (child.type === 'text') {
        if (hyphenate) child.value = hyphenateText(child.value, hyphenate, used)
      } else if (child.type === 'element') {
        const classes = Array.isArray(child.properties.className) ? child.properties.className.map(String) : []
        if (keepWhole.has(child.tagName) || headingRank(child) || showsAddress(child) || classes.some((name) => keepWholeClasses.includes(name))) continue
        // An element in another language uses that language's patterns.
        const own = typeof child.properties.lang === 'string' ? hyphenatorFor(child.properties.lang) : hyphenate
        walk(child, own)
      }
    }
  }
  walk(tree, workHyphenator)
  keepLastWordsWhole(tree)
}

const paragraphLike = new Set(['p', 'li', 'dd', 'dt', 'td', 'th', 'figcaption', 'caption'])

/**
 * A paragraph's last word breaks only where at least seven letters follow:
 * a scrap of a word alone on the last line is a flaw every typesetter avoids
 * (TeX's \finalhyphendemerits), yet a long word may still break.
 */
function keepLastWordsWhole(node: Root | Element): void {
  for (const child of node.children) {
    if (child.type !== 'element') continue
    if (paragraphLike.has(child.tagName)) lastWordWhole(child)
    keepLastWordsWhole(child)
  }
}

/** A word without the soft hyphens that leave fewer than seven letters after them. */
function longTail(word: string): string {
  const pieces = word.split('\u00AD')
  let result = pieces.at(-1)!
  let tail = result.length
  for (let index = pieces.length - 2; index >= 0; index--) {
    result = `${pieces[index]}${tail >= 7 ? '\u00AD' : ''}${result}`
    tail += pieces[index]!.length
  }
  return result
}

const wordCharacter = /^[\p{L}\p{M}\u00AD]$/u

/**
 * Where the last run of letters, marks and soft hyphens in a text is, read
 * from its end: a pattern anchored at the end is tried from every place
 * in the text, which took a sixth of a second a build on an 80,000-word work.
 */
function lastWord(text: string): {start: number; end: number} | undefined {
  /** The character that ends at `end`, a surrogate pair as one. */
  const before = (end: number) => (end >= 2 && /[\uDC00-\uDFFF]/.test(text[end - 1]!) && /[\uD800-\uDBFF]/.test(text[end - 2]!) ? text.slice(end - 2, end) : text.slice(end - 1, end))
  let end = text.length
  while (end > 0 && !wordCharacter.test(before(end))) end -= before(end).length
  if (end === 0) return undefined
  let start = end
  while (start > 0 && wordCharacter.test(before(start))) start -= before(start).length
  return {start, end}
}

/** Remove the short-tailed soft hyphens of the last word in an element; true once a word was found. */
function lastWordWhole(element: Element): boolean {
  for (let index = element.children.length - 1; index >= 0; index--) {
    const child = element.children[index]!
    if (child.type === 'text') {
      const word = lastWord(child.value)
      if (word) {
        child.value = child.value.slice(0, word.start) + longTail(child.value.slice(word.start, word.end)) + child.value.slice(word.end)
        return true
      }
    } else if (child.type === 'element' && paragraphLike.has(child.tagName) === false && lastWordWhole(child)) {
      return true
    }
  }
  return false
}

/**
 * Words longer than this are not hyphenated: Liang's patterns take time
 * that grows with the square of a word's length (a 40,000-letter word took
 * 20 s), and no word of any language is this long; the browser breaks such
 * a word where it must.
 */
export const maxHyphenatedWord = 100

/** A hyphenated word without the breaks that leave fewer letters than the minimums on either side. */
function withinMinimums(word: string): string {
  const pieces = word.split('\u00AD')
  let result = pieces[0]!
  let before = [...result].length
  const total = [...word.replaceAll('\u00AD', '')].length
  for (const piece of pieces.slice(1)) {
    const keep = before >= hyphenMinimums.before && total - before >= hyphenMinimums.after
    result += (keep ? '\u00AD' : '') + piece
    before += [...piece].length
  }
  return result
}

/** A text hyphenated (`hyphenateWords`), found once a process; `used` collects it. */
function hyphenateText(text: string, hyphenate: (word: string) => string, used?: TextsHyphenated): string {
  const patterns = patternsOf.get(hyphenate)!
  const texts = textsOf(patterns)
  let hyphenated = texts.get(text)
  if (hyphenated === undefined) {
    hyphenated = hyphenateWords(text, hyphenate)
    texts.set(text, hyphenated)
  }
  if (used) {
    let usedTexts = used.get(patterns)
    if (!usedTexts) used.set(patterns, (usedTexts = new Map()))
    usedTexts.set(text, hyphenated)
  }
  return hyphenated
}

/**
 * Texts hyphenated by this process, or kept by another (`keepHyphenation`),
 * by pattern module: a rebuild finds nearly every text of the work as it was
 * (finding the words in each again took 30 ms of every 50x build, loading
 * the patterns and hyphenating them 100 ms more in a new process). The least
 * recently used go first past 32 MB.
 */
const hyphenatedTexts = new Map<string, LRUCache<string, string>>()

function textsOf(patterns: string): LRUCache<string, string> {
  let texts = hyphenatedTexts.get(patterns)
  if (!texts) hyphenatedTexts.set(patterns, (texts = new LRUCache({maxSize: 32 * 1024 * 1024, sizeCalculation: (value, key) => Math.max(1, key.length + value.length)})))
  return texts
}

/** Take texts another process hyphenated (hyphenation-kept.ts) as this one's own; they must be from code that hyphenates as this one does (`hyphenationCode`). */
export function keepHyphenation(kept: TextsHyphenated): void {
  for (const [patterns, texts] of kept) {
    const known = textsOf(patterns)
    for (const [text, hyphenated] of texts) if (!known.has(text)) known.set(text, hyphenated)
  }
}

/** What a new process starts with: no text hyphenated (for the tests). */
export function forgetHyphenation(): void {
  hyphenatedTexts.clear()
}

let hyphenationDigest: string | undefined

/**
 * What names the code that hyphenates a text: a digest of the source of
 * what finds and breaks its words, the rules' figures, the exceptions and
 * the version of the patterns. Texts are kept between processes under it, so
 * that a change to any of them leaves the old texts unused.
 */
export function hyphenationCode(): string {
  hyphenationDigest ??= codeDigest(
    hyphenateWords,
    withinMinimums,
    hyphenatorFor,
    JSON.stringify(hyphenMinimums),
    JSON.stringify(exceptionsByLanguage),
    maxHyphenatedWord,
    (require('hyphen/package.json') as {version: string}).version
  )
  return hyphenationDigest
}

/**
 * Words of letters (and combining marks) only, not in capitals: numbers,
 * words with digits, URLs, e-mail addresses, acronyms and the parts of a
 * compound with a hyphen stay whole.
 */
function hyphenateWords(text: string, hyphenate: (word: string) => string): string {
  return text.replace(/(?<![\p{L}\p{M}\p{N}@./:_\-\u2010])[\p{L}\p{M}]{6,}(?![\p{L}\p{M}\p{N}@_\-\u2010]|[./:][\p{L}\p{N}])/gu, (word) =>
    word === word.toLocaleUpperCase() || word.length > maxHyphenatedWord ? word : hyphenate(word)
  )
}

/** A run without a break longer than this gets a break opportunity every `runawayStep` characters. */
export const runawayLength = 1000
const runawayStep = 100

/**
 * Runs of characters without any break opportunity longer than
 * `runawayLength` (no word or address is) get a zero-width space every
 * hundred characters: Chromium's line breaker takes time that grows with the
 * square of such a run (a 200 kB "word" took minutes to print). The text
 * layer carries the zero-width spaces, which readers and text fidelity
 * ignore. Changes the tree in place, every text node, code included.
 */
export function breakRunawayWords(tree: Root): void {
  const stack: Array<Root | Element> = [tree]
  const runaway = new RegExp(`[^\\s\u200B]{${runawayLength + 1},}`, 'gu')
  while (stack.length > 0) {
    const node = stack.pop()!
    for (const child of node.children) {
      if (child.type === 'element') stack.push(child)
      else if (child.type === 'text' && child.value.length > runawayLength) {
        child.value = child.value.replace(runaway, (run) => [...run].reduce((result, character, index) => result + (index > 0 && index % runawayStep === 0 ? '\u200B' : '') + character, ''))
      }
    }
  }
}

/** A link whose text is its address (`https://…`, `www.…`, an e-mail address). */
function showsAddress(element: Element): boolean {
  if (element.tagName !== 'a') return false
  const text = toString(element)
  return /^(https?:|www\.|mailto:)|@|\/\//.test(text.trim())
}
