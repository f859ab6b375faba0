/**
 * Pandoc's citation syntax (https://pandoc.org/MANUAL.html#citation-syntax),
 * found in the inline content of one Markdown block after micromark has
 * parsed it. The grammar is Pandoc's:
 *
 *     [see @doe99, pp. 33-35; also @smith04, chap. 1]   bracketed: items split at `;`,
 *                                                       each a prefix, a key, a suffix
 *     [-@doe99]                                         `-` suppresses the author
 *     @doe99 says                                       author in the text
 *     @doe99 [p. 33]  or  @doe99 [p. 33; @smith04]      author in the text, with a locator
 *
 * A key starts with a letter, digit or `_` and goes on with those and with
 * `:.#$%&-+?<>~/` when a letter, digit or `_` follows (so `@doe99.` ends at
 * `9`); `@{…}` takes any key without white space. An `@` right after a
 * letter or digit (`me@example.com`) starts nothing. A bracketed citation
 * in which any part has no key (`[@doe99, pp. 3; 5]`) is not a citation,
 * and `[^1]` is a footnote. Structure is read from the characters as the
 * author typed them: an escaped `\@` or `\[`, or one written as a character
 * reference (`&#64;`), is text. Code spans, links, autolinks and raw HTML
 * are opaque; emphasis may stand in a prefix or suffix.
 *
 * The input is a flat string of the block's inline content, one character
 * per character of its text and U+FFFC for any other node, with a flag per
 * character that says whether the author typed it as it stands.
 */

export interface CiteItemSyntax {
  key: string
  /** `-@key`: the author is left out. */
  suppressAuthor: boolean
  /** Range of the flat string before the key (inside the brackets). */
  prefix: [number, number]
  /** Range after the key, up to `;` or `]`. */
  suffix: [number, number]
}

export interface CitationSyntax {
  /** Range of the flat string that the citation takes. */
  start: number
  end: number
  /** The first item is `@key` in the text (Pandoc's AuthorInText). */
  authorInText: boolean
  items: CiteItemSyntax[]
}

const objectCharacter = '\uFFFC'
const keyCharacter = /[\p{L}\p{N}_]/u
const wordCharacter = /[\p{L}\p{N}]/u
const innerPunctuation = ':.#$%&-+?<>~/'

/**
 * Every citation in a block's inline content, in order, none overlapping.
 *
 * @param flat The content, one character per text character, U+FFFC per other node.
 * @param typed Whether each character stands as the author typed it (not escaped, not a reference).
 */
export function findCitations(flat: string, typed: boolean[]): CitationSyntax[] {
  const parser = new Grammar(flat, typed)
  const found: CitationSyntax[] = []
  for (let index = 0; index < flat.length; ) {
    const citation = parser.is(index, '[') ? parser.bracketed(index) : parser.is(index, '@') || (parser.is(index, '-') && parser.is(index + 1, '@')) ? parser.inText(index) : undefined
    if (citation) {
      found.push(citation)
      index = citation.end
    } else {
      index++
    }
  }
  return found
}

class Grammar {
  constructor(
    private readonly flat: string,
    private readonly typed: boolean[]
  ) {}

  /** The character at `index` is `character`, as typed. */
  is(index: number, character: string): boolean {
    return this.flat[index] === character && this.typed[index] === true
  }

  private keyCharacterAt(index: number): boolean {
    return this.typed[index] === true && keyCharacter.test(this.flat[index] ?? '')
  }

  /** `-@key` or `@key` at `index`, not right after a letter or digit. */
  key(index: number): {key: string; suppressAuthor: boolean; end: number} | undefined {
    if (index > 0 && wordCharacter.test(this.flat[index - 1]!)) return undefined
    let at = index
    const suppressAuthor = this.is(at, '-')
    if (suppressAuthor) at++
    if (!this.is(at, '@')) return undefined
    at++
    if (this.is(at, '{')) {
      let depth = 0
      for (let end = at; end < this.flat.length; end++) {
        const character = this.flat[end]!
        if (/\s/.test(character) || character === objectCharacter) return undefined
        if (this.is(end, '{')) depth++
        else if (this.is(end, '}') && --depth === 0) {
          const key = this.flat.slice(at + 1, end)
          return key ? {key, suppressAuthor, end: end + 1} : undefined
        }
      }
      return undefined
    }
    if (!this.keyCharacterAt(at)) return undefined
    let end = at + 1
    for (;;) {
      if (this.keyCharacterAt(end)) end++
      else if (this.typed[end] && innerPunctuation.includes(this.flat[end]!) && this.keyCharacterAt(end + 1)) end++
      else if ((this.is(end, ':') || this.is(end, '/')) && this.is(end + 1, '/')) end++
      else break
    }
    return {key: this.flat.slice(at, end), suppressAuthor, end}
  }

  /** The first `]` as typed after `open`, with no `[` before it; -1 when there is none. */
  private closing(open: number): number {
    for (let index = open + 1; index < this.flat.length; index++) {
      if (this.is(index, ']')) return index
      if (this.is(index, '[')) return -1
    }
    return -1
  }

  /** Items between `from` and `to`, split at each `;`; undefined when a part has no key. */
  private items(from: number, to: number): CiteItemSyntax[] | undefined {
    const items: CiteItemSyntax[] = []
    let partStart = from
    for (let index = from; index <= to; index++) {
      if (index < to && !this.is(index, ';')) continue
      let item: CiteItemSyntax | undefined
      for (let at = partStart; at < index && !item; at++) {
        if (!this.is(at, '@') && !(this.is(at, '-') && this.is(at + 1, '@'))) continue
        const key = this.key(at)
        if (key && key.end <= index) item = {key: key.key, suppressAuthor: key.suppressAuthor, prefix: [partStart, at], suffix: [key.end, index]}
      }
      if (!item) return undefined
      items.push(item)
      partStart = index + 1
    }
    return items
  }

  /** `[…@key…]` at `open`. */
  bracketed(open: number): CitationSyntax | undefined {
    if (this.flat[open + 1] === '^') return undefined
    const close = this.closing(open)
    if (close === -1) return undefined
    const items = this.items(open + 1, close)
    return items ? {start: open, end: close + 1, authorInText: false, items} : undefined
  }

  /** `@key`, `-@key`, and what may follow it: `[locator]` or `[locator; @other]`. */
  inText(start: number): CitationSyntax | undefined {
    const key = this.key(start)
    if (!key) return undefined
    const first: CiteItemSyntax = {key: key.key, suppressAuthor: key.suppressAuthor, prefix: [start, start], suffix: [key.end, key.end]}
    // Spaces and at most one line break, then `[`.
    let at = key.end
    while (this.flat[at] === ' ' || this.flat[at] === '\t') at++
    if (this.flat[at] === '\n') at++
    while (this.flat[at] === ' ' || this.flat[at] === '\t') at++
    const plain = {start, end: key.end, authorInText: !key.suppressAuthor, items: [first]}
    if (!this.is(at, '[') || this.flat[at + 1] === '^') return plain
    const close = this.closing(at)
    if (close === -1) return plain
    // `@a [@b; @c]`: more items, no locator of its own.
    const more = this.items(at + 1, close)
    if (more) return {start, end: close + 1, authorInText: plain.authorInText, items: [first, ...more]}
    // `@a [p. 33]` or `@a [p. 33; @b]`: the first part is the suffix of `@a`.
    let semicolon = -1
    for (let index = at + 1; index < close; index++) {
      if (this.is(index, ';')) {
        semicolon = index
        break
      }
    }
    const rest = semicolon === -1 ? [] : this.items(semicolon + 1, close)
    if (!rest) return plain
    if (this.is(close + 1, '[') || this.is(close + 1, '(')) return plain
    first.suffix = [at + 1, semicolon === -1 ? close : semicolon]
    return {start, end: close + 1, authorInText: plain.authorInText, items: [first, ...rest]}
  }
}
