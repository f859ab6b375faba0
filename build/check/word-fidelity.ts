/**
 * Word for word: a paragraph of the manuscript against the text a reader's
 * tool gives for it. Only what typesetting may change is allowed: white
 * space of any kind and amount between words, a line break after a hyphen
 * that hyphenation added ("Amer-" / "ica": joining the lines gives the
 * word back) or after a dash, hyphen or slash of the text, white space
 * around a note's marker, and a space lost beside punctuation. Anything else is a fault a reader meets: a word
 * split (a space inside it, as a soft hyphen in the text layer makes in
 * pdf.js and MuPDF) or altered (a soft hyphen, a zero-width character, an
 * apostrophe made U+02BC, a ligature's letters lost).
 */

export interface WordFault {
  kind: 'split' | 'altered' | 'joined'
  /** Where the word starts in the manuscript's text. */
  at: number
  /** The word as the manuscript has it. */
  word: string
  /** What the tool gives for it. */
  read: string
}

const space = /\s/u
const breaksAfter = /[-\u2010\u2011\u2013\u2014/]/u
const letter = /[\p{L}\p{M}\p{N}]/u
const invisible = /[\u00AD\u200B-\u200F\u2060\uFEFF\u0000]/u

/** The word (a run without white space) around a place in a text. */
function wordAt(text: string, at: number): {start: number; word: string} {
  let start = Math.min(at, text.length)
  while (start > 0 && !space.test(text[start - 1]!)) start--
  let end = Math.min(at, text.length)
  while (end < text.length && !space.test(text[end]!)) end++
  return {start, word: text.slice(start, end)}
}

/**
 * What a tool shows for a word: from where it starts, as many characters
 * as the word has, and the white space among them; invisible characters named.
 */
function shown(read: string, start: number, length: number): string {
  let end = start
  for (let count = 0; end < read.length && count < length; end++) if (!space.test(read[end]!) && !invisible.test(read[end]!)) count++
  return read
    .slice(start, end)
    .replace(/\s+/g, ' ')
    .replace(/[\u00AD\u200B-\u200F\u2060\uFEFF\u0000]/g, (character) => `<U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`)
}

/**
 * The first fault in `read` as a rendering of `text`, or undefined.
 *
 * @param notes Places in `text` where a note's marker starts or ends.
 */
export function compareWords(text: string, read: string, notes: Set<number> = new Set()): WordFault | undefined {
  text = text.normalize('NFC')
  read = read.normalize('NFC')
  let i = 0
  let j = 0
  // Leading and trailing white space is not the paragraph's.
  while (i < text.length && space.test(text[i]!)) i++
  while (j < read.length && space.test(read[j]!)) j++
  const fault = (kind: WordFault['kind'], at: number, readAt: number): WordFault => {
    const {start, word} = wordAt(text, at)
    // The read word starts as far before the fault as the word does (they matched up to it).
    let from = readAt
    for (let count = at - start; from > 0 && count > 0; from--) if (!space.test(read[from - 1]!)) count--
    return {kind, at: start, word, read: shown(read, from, word.length)}
  }
  while (i < text.length) {
    const expected = text[i]!
    const got = read[j]
    if (got === expected && !space.test(expected)) {
      i++
      j++
      continue
    }
    if (space.test(expected)) {
      if (got === undefined || !space.test(got)) {
        // Two words run together; a space lost beside punctuation (a tool may not see a narrow one) is not a word's fault.
        if (notes.has(i) || notes.has(i + 1) || !letter.test(text[i - 1] ?? '') || !letter.test(text.slice(i).trimStart()[0] ?? '')) {
          while (i < text.length && space.test(text[i]!)) i++
          continue
        }
        return fault('joined', i, j)
      }
      while (i < text.length && space.test(text[i]!)) i++
      while (j < read.length && space.test(read[j]!)) j++
      continue
    }
    if (got !== undefined && space.test(got)) {
      let k = j
      while (k < read.length && space.test(read[k]!)) k++
      const lineBreak = read.slice(j, k).includes('\n')
      // A line broken after a dash, a hyphen or a slash of the text; white space around a note's marker.
      if ((lineBreak && i > 0 && breaksAfter.test(text[i - 1]!)) || notes.has(i)) {
        j = k
        continue
      }
      return fault('split', i, j)
    }
    if (got !== undefined && /[-\u2010]/.test(got) && i > 0 && letter.test(text[i - 1]!) && letter.test(expected)) {
      // A hyphen that hyphenation added, at a line's end.
      let k = j + 1
      while (k < read.length && space.test(read[k]!) && read[k] !== '\n') k++
      if (read[k] === '\n') {
        while (k < read.length && space.test(read[k]!)) k++
        j = k
        continue
      }
    }
    return fault('altered', i, j)
  }
  return undefined
}
