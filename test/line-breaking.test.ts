/**
 * Knuth–Plass breaks as line-breaking.ts finds them from a measured
 * paragraph, and keeps them for the next build of the same text.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {keptBreaks} from '../build/editions/pdf/line-breaking.ts'
import {ordinalsOf, runsOf} from '../build/editions/pdf/line-boxes.ts'

/** A justified paragraph of `words` words of varied widths, 4 px spaces, at `width` px: its measures and segments. */
function paragraph(width: number, words = 60, wordWidth = (at: number) => 20 + ((at * 7) % 23)): [{width: number; indent: number; space: number; hyphen: number}, {widths: string; separators: string}] {
  const widths = Array.from({length: words}, (_, at) => Math.round(wordWidth(at) * 1000).toString(36)).join(',')
  return [{width, indent: 0, space: 4, hyphen: 5}, {widths, separators: `${'s'.repeat(words - 1)}e`}]
}

test('the breaks kept for a paragraph are found again only for the same measures', () => {
  const wide = keptBreaks(...paragraph(400))
  assert.ok(wide && wide.length > 2, 'a paragraph of several lines')
  assert.deepEqual(keptBreaks(...paragraph(400)), wide, 'the same paragraph measured again: the same breaks')
  // The same text (same index) set narrower: more lines, not the breaks kept for the wider measure.
  const narrow = keptBreaks(...paragraph(250))
  assert.ok(narrow && narrow.length > wide.length, `${narrow?.length} lines at 250 px, ${wide.length} at 400 px`)
  // A word grown wider moves the breaks after it.
  const grown = keptBreaks(...paragraph(400, 60, (at) => (at === 3 ? 90 : 20 + ((at * 7) % 23))))
  assert.notDeepEqual(grown, wide)
  // Each line fits its measure.
  for (const breaks of [wide, narrow]) {
    const measure = breaks === wide ? 400 : 250
    const widths = paragraph(measure)[1].widths.split(',').map((width) => Number.parseInt(width, 36) / 1000)
    let start = 0
    for (const end of breaks) {
      const line = widths.slice(start, end + 1).reduce((sum: number, width: number) => sum + width, 0) + 4 * (end - start)
      assert.ok(line <= measure, `a line of ${line} px at ${measure} px`)
      start = end + 1
    }
  }
})

test('soft hyphens cross to the page as runs of ordinals, and back', () => {
  assert.deepEqual(runsOf([4, 5, 6, 7, 9, 10, 20]), [4, 4, 9, 2, 20, 1])
  assert.deepEqual(runsOf([]), [])
  for (const ordinals of [[4, 5, 6, 7, 9, 10, 20], [3], [8, 2, 3], []]) assert.deepEqual(ordinalsOf(runsOf(ordinals)), ordinals)
})
