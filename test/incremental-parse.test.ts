/**
 * Incremental parsing (build/transform/incremental-parse.ts) gives the whole
 * parse's tree, positions and messages: many random edits, from a fixed
 * seed, to the brief and to every Markdown fixture, each result compared
 * with a whole parse of the same text.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {VFile} from 'vfile'
import {PassageCache} from '../build/transform/incremental-parse.ts'
import {parseChapter, parsePassage} from '../build/transform/processor.ts'
import {projectRoot} from '../build/project.ts'

const root = projectRoot
const brief = readFileSync(path.join(root, 'manuscript', 'winning-the-peace-in-ukraine.md'), 'utf8')

function markdownUnder(folder: string): string[] {
  return readdirSync(folder, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
}

/** A text with most of what changes how Markdown parses across blank lines. */
const varied = `---
title: Varied
---

Intro with a [link][ref], a note[^one] and [shortcut].

[ref]: https://example.com "Title"

* item one

* item two
continued lazily

1. first
2. second

> quoted
> still

Paragraph after.

\`\`\`js
code

more code
\`\`\`

:::note
Inside a container.

Still inside.
:::

<!-- a comment

that spans blank lines -->

<div>
html block
</div>

    indented code

| a | b |
|---|---|
| 1 | 2 |

[^one]: The note.

    Its second paragraph.

Setext
======

Last [shortcut] and [^two].

[shortcut]: /nowhere
`

/** mulberry32: the same edits on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

const insertions = [
  'word ', 'Over ', '\n', '\n\n', '\n\n\n', '```\n', '\n```\n', '~~~~\n', '\n:::note\n', '\n:::\n', '<!--', '-->', '\n<pre>\n', '</pre>\n',
  '\n[ref]: /elsewhere\n', '\n[other]: /other\n', '\n[^two]: Another note.\n', '[^one]', '[^two]', '[shortcut]', '[other]', '[link][other]',
  '\n- item\n', '\n* item\n', '\n1. item\n', '  ', '    ', '\t', '\n## Heading\n', '\n# Title\n', '> ', '\n---\n', '===\n', '|', '\n| x | y |\n|---|---|\n',
  '*', '_', '`', '<div>', '\n</div>\n', '::leaf[x]', '\\', '&amp;', '\r\n'
]

function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1))
  const choice = next()
  if (choice < 0.35) {
    // Delete a few characters, a word or a line.
    const length = 1 + Math.floor(next() * (next() < 0.2 ? 200 : 12))
    return text.slice(0, at) + text.slice(at + length)
  }
  // Insert at a line start about half the time: that is where blocks change.
  const lineStart = next() < 0.5 ? text.lastIndexOf('\n', at - 1) + 1 : at
  const inserted = insertions[Math.floor(next() * insertions.length)]!
  return text.slice(0, lineStart) + inserted + text.slice(lineStart)
}

/** Counts the parses its passages gave (the others were whole parses). */
class CountingCache extends PassageCache {
  used = 0
  override parse(...parameters: Parameters<PassageCache['parse']>): ReturnType<PassageCache['parse']> {
    const tree = super.parse(...parameters)
    if (tree) this.used++
    return tree
  }
}

const messagesOf = (file: VFile) => file.messages.map((message) => `${message.line}:${message.column} ${message.ruleId} ${message.fatal} ${message.reason}`)

function compare(text: string, passages: PassageCache, what: string): boolean {
  const whole = new VFile({path: '/work/x.md', value: text})
  const expected = parseChapter(whole)
  const incremental = new VFile({path: '/work/x.md', value: text})
  const actual = parseChapter(incremental, passages)
  assert.deepEqual(actual, expected, what)
  assert.deepEqual(messagesOf(incremental), messagesOf(whole), `${what}: messages`)
  assert.equal(String(incremental.value), String(whole.value), `${what}: text`)
  return true
}

test('an incrementally parsed file equals its whole parse after each of many random edits', () => {
  const sources = [
    {name: 'the brief', text: brief, edits: 10},
    {name: 'varied', text: varied, edits: 150},
    // limits.md is parsed whole: it reaches the parser's limits, whose messages name places in the file.
    ...markdownUnder(path.join(root, 'test', 'fixtures')).filter((file) => !file.endsWith('limits.md')).map((file) => ({name: path.relative(root, file), text: readFileSync(file, 'utf8'), edits: 5}))
  ]
  const next = random(20260601)
  let compared = 0
  let incremental = 0
  for (const source of sources) {
    const passages = new CountingCache()
    let text = source.text
    compare(text, passages, `${source.name} as it is`)
    for (let run = 0; run < source.edits; run++) {
      text = edit(text, next)
      // The text, when short enough to read, to find the case again.
      compare(text, passages, `${source.name}, edit ${run + 1}${text.length < 2000 ? `: ${JSON.stringify(text)}` : ''}`)
      compared++
    }
    incremental += passages.used
  }
  assert.ok(compared > 280)
  // Most edits were parsed by passages, not whole (small files and broken fences are parsed whole).
  assert.ok(incremental > 150, `${incremental} of ${compared} parsed by passages`)
})

test('an edit parses only the passage it falls in; a new definition parses again the passages that have references', () => {
  const source = brief.replace(/([.!?])\n\n/g, '$1[^early] with [a link][later]\n\n')
  const body = source.slice(source.indexOf('\n---\n', 4) + 5)
  const text = `${source}${body.repeat(3)}\n[^early]: A note.\n`
  const parsed: string[] = []
  const passages = new PassageCache()
  const parse = (value: string) => {
    const result = passages.parse(new VFile({path: '/work/x.md', value}), (file, known) => {
      parsed.push(String(file.value))
      return parsePassage(file, known)
    })
    assert.ok(result, 'parsed by passages')
    assert.deepEqual(result, parseChapter(new VFile({path: '/work/x.md', value})))
    const count = parsed.length
    parsed.length = 0
    return count
  }
  assert.ok(parse(text) > 6, 'the text is cut into passages')
  // A word past the first 64 characters of its line (those decide where passages start).
  const edited = text.replace('what weapons we’ll supply', 'what arms we’ll supply')
  assert.equal(parse(edited), 1, 'only the edited passage is parsed again')
  // `[a link][later]` becomes a link in every passage once `later` is defined.
  const defined = `${edited}\n[later]: https://example.com/later\n`
  const again = parse(defined)
  assert.ok(again > 6, `the passages with references are parsed again (${again})`)
  assert.equal(parse(defined.replace('what arms we’ll supply', 'what weapons we’ll supply')), 1, 'and kept with the new definition')
})

test('a file whose passages cannot be parsed alone is parsed whole', () => {
  const paragraphs = (what: string) => Array.from({length: 24}, (_, index) => `${what} number ${index}, a line of its own.`).join('\n\n')
  const cases = {
    // The list item's fence ends with the item, but a quick reading sees it open until the next fence, and
    // then cuts inside that one: the passage before the cut ends on a fence only its end closed.
    'a fence the quick reading misjudges': `1. An item\n\n   \`\`\`\n   code\n\n${paragraphs('Text')}\n\n\`\`\`\n${paragraphs('Code')}\n\`\`\`\n`,
    // micromark reads the container's definition after the first paragraph: `[link][ref]` stays text there.
    'a definition inside a directive container': `Intro with a [link][ref].\n\n${paragraphs('Text')}\n\n:::note\n[ref]: https://example.com\n:::\n\nThen [link][ref].\n`
  }
  for (const [name, text] of Object.entries(cases)) {
    compare(text, new PassageCache(), name)
    assert.equal(new PassageCache().parse(new VFile({path: '/work/x.md', value: text}), parsePassage), undefined, name)
  }
})
