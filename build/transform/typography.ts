/**
 * Smart typography in one linear pass per text node: curly quotes and
 * apostrophes by language, en and em dashes, ellipses, and French spacing.
 *
 * remark-smartypants was measured superlinear on book-length text (docs/decisions/0009:
 * 6.9 s of a 7.7 s Markdown stage at 330k words), so this is our own: each
 * phrasing block (paragraph, heading, table cell) is walked once, and a quote
 * is decided from the characters on either side of it, also across the
 * boundaries of emphasis and links.
 */
import type {Heading, Nodes, Paragraph, Root, TableCell} from 'mdast'
import {toString} from 'mdast-util-to-string'
import {SKIP, visitParents} from 'unist-util-visit-parents'

interface QuoteStyle {
  /** Opening and closing marks for `"`. */
  primary: [string, string]
  /** Opening and closing marks for `'`. */
  secondary: [string, string]
  apostrophe: string
  /** Space inside guillemets and before `;:!?` (French). */
  french?: true
  /** One-letter words that must not end a line: a no-break space follows them (Slavic languages). */
  shortWords?: RegExp
}

const english: QuoteStyle = {primary: ['“', '”'], secondary: ['‘', '’'], apostrophe: '’'}
const guillemets: QuoteStyle = {primary: ['«', '»'], secondary: ['„', '“'], apostrophe: '’'}
const german: QuoteStyle = {primary: ['„', '“'], secondary: ['‚', '‘'], apostrophe: '’'}

/** Quotation marks by primary language subtag; others get English marks. */
const quoteStyles: Record<string, QuoteStyle> = {
  en: english,
  nl: english,
  pt: english,
  uk: {...guillemets, apostrophe: 'ʼ', shortWords: /(?<=^|[\s(«„])([вуіїйзаоВУІЇЙЗАО]) (?=\S)/gu},
  ru: {...guillemets, shortWords: /(?<=^|[\s(«„])([вксуоиаяВКСУОИАЯ]) (?=\S)/gu},
  be: {...guillemets, shortWords: /(?<=^|[\s(«„])([ўуізаоЎУІЗАО]) (?=\S)/gu},
  de: german,
  cs: {...german, shortWords: /(?<=^|[\s(„])([vkszouaiVKSZOUAI]) (?=\S)/gu},
  sk: {...german, shortWords: /(?<=^|[\s(„])([vkszouaiVKSZOUAI]) (?=\S)/gu},
  fr: {primary: ['«', '»'], secondary: ['“', '”'], apostrophe: '’', french: true},
  es: {primary: ['«', '»'], secondary: ['“', '”'], apostrophe: '’'},
  it: {primary: ['«', '»'], secondary: ['“', '”'], apostrophe: '’'},
  pl: {primary: ['„', '”'], secondary: ['«', '»'], apostrophe: '’', shortWords: /(?<=^|[\s(„])([wzioauWZIOAU]) (?=\S)/gu},
  sv: {primary: ['”', '”'], secondary: ['’', '’'], apostrophe: '’'},
  fi: {primary: ['”', '”'], secondary: ['’', '’'], apostrophe: '’'},
  da: {primary: ['»', '«'], secondary: ['›', '‹'], apostrophe: '’'},
  nb: {primary: ['«', '»'], secondary: ['‘', '’'], apostrophe: '’'},
  no: {primary: ['«', '»'], secondary: ['‘', '’'], apostrophe: '’'}
}

/** Swiss German and Swiss French use guillemets without French spacing. */
const regionalStyles: Record<string, QuoteStyle> = {
  'de-CH': {primary: ['«', '»'], secondary: ['‹', '›'], apostrophe: '’'},
  'fr-CH': {primary: ['«', '»'], secondary: ['‹', '›'], apostrophe: '’'}
}

const narrowNoBreakSpace = '\u202F'
const noBreakSpace = '\u00A0'

/** Characters after which a quote opens: nothing, space, opening brackets and quotes, dashes. */
const opensAfter = /[\s([{<\u2014\u2013\-/"'“‘«„‚‹]/u
const letterOrDigit = /[\p{L}\p{N}]/u
/** Characters that end something: a quote after one closes (`!"#` is `!”#`). */
const closesAfter = /[.,;:!?)\]}…%'"’”»›]/u
const digit = /\p{Nd}/u

export function quoteStyleFor(lang: string): QuoteStyle {
  const locale = new Intl.Locale(lang)
  const regional = regionalStyles[`${locale.language}-${locale.region ?? ''}`]
  return regional ?? quoteStyles[locale.language] ?? english
}

/** How many `"` quotations are open: a `"` inside one takes the inner marks. */
interface QuoteState {
  open: number
}

/**
 * Typeset one string.
 *
 * @param value The text.
 * @param style Quotation marks of the language.
 * @param before The character before the text (empty at the start of a block).
 * @param after The character after the text (empty at the end of a block).
 * @param state Quotations open before the text, shared by the strings of one block.
 */
export function typesetText(value: string, style: QuoteStyle, before = '', after = '', state: QuoteState = {open: 0}): string {
  if (!/["'.\-–—]|[;:!?]/.test(value) && !style.shortWords) return value
  let result = value
    .replace(/---/g, '\u2014')
    .replace(/--/g, '\u2013')
    // A spaced dash does not start a line: the space before it does not break.
    .replace(/ (?=[\u2013\u2014](?: |$))/g, noBreakSpace)
    .replace(/\.\.\.|\. \. \./g, '\u2026')
    .replace(/["']/g, (quote, offset: number, text: string) => {
      const previous = offset > 0 ? text[offset - 1]! : before
      const next = offset + 1 < text.length ? text[offset + 1]! : after
      return quote === '"' ? doubleQuote(style, previous, next, state) : singleQuote(style, previous, next, text, offset)
    })
  if (style.french) result = frenchSpacing(result)
  if (style.shortWords) result = result.replace(style.shortWords, `$1${noBreakSpace}`)
  return result
}

function doubleQuote(style: QuoteStyle, previous: string, next: string, state: QuoteState): string {
  const opens =
    next !== '' &&
    !/\s/.test(next) &&
    (previous === '' ||
      opensAfter.test(previous) ||
      // After other punctuation (`*"foo"`, markup kept as text), a quote before a word opens.
      (!letterOrDigit.test(previous) && !closesAfter.test(previous) && (letterOrDigit.test(next) || opensAfter.test(next))))
  // Inches: a quote right after a number, with no quotation open (5'10").
  if (!opens && state.open === 0 && digit.test(previous) && !letterOrDigit.test(next)) return '\u2033'
  if (opens) state.open++
  // Closing with no quotation open is closing a primary one, never the inner marks.
  const marks = state.open % 2 === 0 && state.open > 0 ? style.secondary : style.primary
  if (!opens) state.open = Math.max(0, state.open - 1)
  if (!opens) return style.french ? narrowNoBreakSpace + marks[1] : marks[1]
  return style.french ? marks[0] + narrowNoBreakSpace : marks[0]
}

function singleQuote(style: QuoteStyle, previous: string, next: string, text: string, offset: number): string {
  // Feet before inches: 5'10".
  if (digit.test(previous) && /^\d{1,2}(\.\d+)?"/.test(text.slice(offset + 1, offset + 8))) return '\u2032'
  if (letterOrDigit.test(previous) && letterOrDigit.test(next)) return style.apostrophe
  const atBoundary = previous === '' || opensAfter.test(previous)
  if (!atBoundary) return style === english ? style.apostrophe : style.secondary[1]
  // Elided years and the like: ’90s, ’05.
  if (/^\d\d(?!\d)/.test(text.slice(offset + 1, offset + 4))) return style.apostrophe
  return next === '' || /\s/.test(next) ? style.apostrophe : style.secondary[0]
}

/** French: a narrow no-break space before `;!?`, a no-break space before `:`. */
function frenchSpacing(text: string): string {
  return text.replace(/(?<=[^\s;:!?])[ \u00A0\u202F]?([;:!?]+)(?=\s|$)/gu, (_, marks: string) =>
    (marks.startsWith(':') ? noBreakSpace : narrowNoBreakSpace) + marks
  )
}

/** Language-aware smart typography for mdast (a remark plugin). */
export default function remarkTypography(options: {lang: string}) {
  const workStyle = quoteStyleFor(options.lang)
  return (tree: Root) => {
    visitParents(tree, (node, ancestors) => {
      if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell') {
        // A block inside `:::lang{lang=fr}` (or a callout with a lang) is set by that language's rules.
        const within = ancestors.findLast((ancestor) => languageOf(ancestor) !== undefined)
        typesetBlock(node, within ? quoteStyleFor(languageOf(within)!) : workStyle)
        return SKIP
      }
      return undefined
    })
  }
}

/** The language a directive gives its content (set by ./directives.ts as the element's `lang`). */
function languageOf(node: Nodes): string | undefined {
  const lang = (node.data as {hProperties?: {lang?: unknown}} | undefined)?.hProperties?.lang
  return typeof lang === 'string' ? lang : undefined
}

type Piece = {kind: 'text'; node: {value: string}; style: QuoteStyle; state: QuoteState} | {kind: 'opaque'; value: string}

/** Typeset the phrasing content of one block, carrying context across inline nodes. */
function typesetBlock(block: Paragraph | Heading | TableCell, blockStyle: QuoteStyle): void {
  const pieces: Piece[] = []
  let style = blockStyle
  let state: QuoteState = {open: 0}
  const collect = (node: Nodes): void => {
    const lang = node.type === 'textDirective' ? languageOf(node) : undefined
    if (node.type === 'textDirective' && lang) {
      // A phrase in another language (`:lang[…]{lang=uk}`): its own quotes, paired inside it.
      const outer = {style, state}
      style = quoteStyleFor(lang)
      state = {open: 0}
      for (const child of node.children) collect(child as Nodes)
      ;({style, state} = outer)
      return
    }
    switch (node.type) {
      case 'text':
        pieces.push({kind: 'text', node, style, state})
        return
      case 'inlineCode':
      case 'html':
        pieces.push({kind: 'opaque', value: 'x'})
        return
      case 'break':
        pieces.push({kind: 'opaque', value: '\n'})
        return
      case 'image':
        node.alt = node.alt ? typesetText(node.alt, style) : node.alt
        if (node.title) node.title = typesetText(node.title, style)
        pieces.push({kind: 'opaque', value: 'x'})
        return
      case 'link':
        // An autolink shows its URL: leave the URL's characters alone.
        if (toString(node) === node.url || `mailto:${toString(node)}` === node.url || `http://${toString(node)}` === node.url) {
          pieces.push({kind: 'opaque', value: 'x'})
          return
        }
        if (node.title) node.title = typesetText(node.title, style)
        break
      default:
        break
    }
    if ('children' in node) for (const child of node.children) collect(child as Nodes)
  }
  for (const child of block.children) collect(child)

  let before = ''
  for (const [index, piece] of pieces.entries()) {
    if (piece.kind === 'opaque') {
      before = piece.value
      continue
    }
    const following = pieces[index + 1]
    const after = following ? (following.kind === 'text' ? following.node.value[0] ?? '' : following.value) : ''
    piece.node.value = typesetText(piece.node.value, piece.style, before, after, piece.state)
    before = piece.node.value.at(-1) ?? before
  }
}
