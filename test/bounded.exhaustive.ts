/**
 * Bounded work: inputs that made a step take minutes or overflow the stack
 * end in time, with the same result as before where there was one, or with
 * a documented limit and a positioned message. In process; the time limits
 * on the tests only keep a regression from hanging the suite (speed itself
 * is measured by npm run bench).
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {describe, test} from 'node:test'
import type {Element, Root as HastRoot} from 'hast'
import remarkDirective from 'remark-directive'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import {toHtml} from 'hast-util-to-html'
import {unified} from 'unified'
import {VFile} from 'vfile'
import {PublishingSession} from '../build/publish/session.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {editionSettings} from '../build/pipeline/settings.ts'
import {ncx, type NavEntry} from '../build/editions/epub/navigation.ts'
import {buildHtmlEdition} from '../build/editions/html.ts'
import {breakRunawayWords, hyphenateTree} from '../build/editions/pdf/hyphenation.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {StepTimeoutError, TimeLimit} from '../build/time-limit.ts'
import {chapterTransformer, parseChapter} from '../build/transform/processor.ts'
import {browser, fixtures, projectRoot} from './harness.ts'

const messages = (file: VFile) => file.messages.map((message) => `${message.line}:${message.column} ${message.fatal ? 'error' : 'warning'} ${message.reason}`)
const strip = (tree: unknown) => JSON.parse(JSON.stringify(tree, (key, value) => (key === 'position' ? undefined : value)))

describe('the parser, on inputs that were superlinear', () => {
  test('backtick runs: the same tree as micromark alone, and 4.5 MB of unmatched runs in time', {timeout: 60_000}, () => {
    const plain = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkDirective)
    for (const text of ['a `b` c', '`` ` ``', 'x ``` y ` z `` w ``` v', '` a\n\nb `', '\\`not` code`', '````a``b```c````', 'e`e``e```e``e`', '`\n`', '> `a\n> b`']) {
      assert.deepEqual(strip(parseChapter(new VFile({value: text}))), strip(plain.parse(text)), JSON.stringify(text))
    }
    // Runs of 1, 2, … 3,000 backticks, none closed: 4.5 MB (minutes before).
    const runs = Array.from({length: 3000}, (_, index) => `e${'`'.repeat(index + 1)}`).join('')
    const file = new VFile({value: `${runs}\n\nAfter, \`a code span\`.`})
    const tree = parseChapter(file)
    assert.equal(tree.children.length, 2)
    assert.equal((tree.children[1] as {children: Array<{type: string}>}).children[1]!.type, 'inlineCode')
  })

  test('50,000 `[a](`: the paragraph is kept, its markup past the limit shown as written, with a warning at the place', {timeout: 60_000}, () => {
    // Ended by a line end, as a file is: the `[` left open at the limit once made every later `a` walk back to it.
    const file = new VFile({value: `${'[a]('.repeat(50_000)}\n`})
    const tree = parseChapter(file)
    assert.deepEqual(messages(file), ['1:999 warning This paragraph has more than 499 pieces of markup (emphasis, links, code, escapes, …): from here on its markup characters are shown as written'])
    let text = ''
    const walk = (node: {value?: string; children?: unknown[]}) => {
      if (typeof node.value === 'string') text += node.value
      for (const child of (node.children ?? []) as Array<typeof node>) walk(child)
    }
    walk(tree)
    assert.equal(text.length, 200_000, 'no character is lost')
  })

  test('a stray `[` before 50,000 words: every word read once, the same tree as micromark alone', {timeout: 60_000}, () => {
    const plain = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkDirective)
    for (const text of ['[a www.example.com b', '[x](y) www.example.com and a@b.co', 'a [b] c@d.ef', '![a www.x.com', '[a [b] www.c.com](d) www.e.com', '[a] www.b.com [c', '[a-b.c+d e@f.gh', 'x [y\nwww.z.com\n\n[w] http://v.com', '[a _b_ c](www.d.com) e', '[a]: http://x\n\n[a www.b.com] [a]']) {
      assert.deepEqual(strip(parseChapter(new VFile({value: text}))), strip(plain.parse(text)), JSON.stringify(text))
    }
    const tree = parseChapter(new VFile({value: `[${'word '.repeat(50_000)}www.example.com\n`}))
    const children = (tree.children[0] as {children: Array<{type: string; value?: string}>}).children
    assert.deepEqual(children.map((node) => node.type), ['text', 'link'], 'as micromark alone reads `[word word www.example.com`')
    assert.equal(children[0]!.value!.length, 250_001)
  })

  test('3,000 footnotes citing their neighbours are numbered as before', {timeout: 120_000}, async () => {
    const count = 3000
    const text = `Text.[^0]\n\n${Array.from({length: count}, (_, index) => `[^${index}]: Note ${index} cites [^${index + 1}].`).join('\n\n')}\n\n[^${count}]: Last.\n`
    const file = new VFile({path: path.join(fixtures, 'notes.md'), value: text})
    const hast = await chapterTransformer({lang: 'en', dir: 'ltr', root: fixtures}).run(parseChapter(file), file)
    const html = toHtml(hast)
    assert.match(html, /<li id="fn-2999">\s*<p>Note 2999 cites <sup><a href="#fn-3000" id="fnref-3000" data-footnote-ref aria-describedby="footnote-label">3001<\/a><\/sup>/)
    // The library's own handler, on a small case, numbers the same way.
    const small = `a[^x] b[^y] c[^x]\n\n[^x]: X[^y].\n[^y]: Y.\n`
    const ours = toHtml(await chapterTransformer({lang: 'en', dir: 'ltr', root: fixtures}).run(parseChapter(new VFile({path: path.join(fixtures, 's.md'), value: small})), new VFile({path: path.join(fixtures, 's.md')})))
    const theirs = toHtml(await unified().use(remarkRehype, {clobberPrefix: ''}).run(unified().use(remarkParse).use(remarkGfm).parse(small)))
    const calls = (html: string) => [...html.matchAll(/id="fnref-[^"]+"[^>]*>(\d+)</g)].map((match) => match[1])
    assert.deepEqual(calls(ours), calls(theirs))
  })
})

describe('depth', () => {
  const front = '---\ntitle: Deep\nlang: en\n---\n\n'
  const errorsOf = (text: string) => {
    const file = new VFile({path: path.join(fixtures, 'deep.md'), value: front + text})
    const tree = parseChapter(file)
    return {messages: messages(file), tree}
  }

  test('1,500 nested `>`, 1,000 nested `- ` and a list indented 1,000 levels: an error at the place, never a stack', {timeout: 30_000}, () => {
    assert.deepEqual(errorsOf(`${'>'.repeat(1500)} deep\n`).messages, ['6:101 error Lists and quotations nest at most 100 levels deep; this line goes deeper'])
    assert.deepEqual(errorsOf(`${'- '.repeat(1000)}deep\n`).messages, ['6:201 error Lists and quotations nest at most 100 levels deep; this line goes deeper'])
    const indented = Array.from({length: 1000}, (_, index) => `${'  '.repeat(index)}- item`).join('\n')
    assert.deepEqual(errorsOf(indented).messages, ['106:201 error Lists and quotations nest at most 100 levels deep; this line goes deeper'])
    const {tree} = errorsOf(`${'>'.repeat(1500)} deep\n`)
    assert.deepEqual(tree.children.map((node) => node.type), ['yaml'], 'the front matter is still read')
  })

  test('fifty levels are fine', () => {
    assert.deepEqual(errorsOf(`${'> '.repeat(50)}fifty\n\n${Array.from({length: 50}, (_, index) => `${'  '.repeat(index)}- item`).join('\n')}\n`).messages, [])
  })

  test('raw HTML nested 5,000 deep: an error at the place', {timeout: 30_000}, async () => {
    const file = new VFile({path: path.join(fixtures, 'deep.md'), value: `${front}${'<div>'.repeat(5000)}x${'</div>'.repeat(5000)}\n`})
    await chapterTransformer({lang: 'en', dir: 'ltr', root: fixtures}).run(parseChapter(file), file)
    assert.deepEqual(messages(file), ['6:1 error Raw HTML nests elements more than 100 deep here; Folio does not read deeper HTML'])
  })

  test('100,000 paragraphs, 150,000 headings: the HTML and EPUB editions are built, with no stack overflow', {timeout: 60_000}, async () => {
    const [work] = await findWorks([path.join(fixtures, 'headings', 'input.md')], process.cwd())
    const {document} = await loadWork(work!)
    const paragraph: Element = {type: 'element', tagName: 'p', properties: {}, children: [{type: 'text', value: 'A paragraph.'}]}
    const tree = document!.chapters[0]!.tree as HastRoot
    for (let index = 0; index < 100_000; index++) tree.children.push(paragraph, {type: 'text', value: '\n'})
    assert.ok((await buildHtmlEdition({document: document!, settings: editionSettings(document!), siblings: []})).length > 1_000_000)
    const entries: NavEntry[] = Array.from({length: 150_000}, (_, index) => ({title: `Heading ${index}`, href: `text/a.xhtml#h${index}`, children: []}))
    assert.ok(ncx(entries, document!.metadata).includes('<meta name="dtb:depth" content="1" />'))
  })
})

describe('print', () => {
  test('a 40,000-letter word is not hyphenated, and a 200 kB word gets a break opportunity every 100 characters', {timeout: 30_000}, () => {
    const word = 'abcdefghij'.repeat(4000)
    const tree: HastRoot = {type: 'root', children: [{type: 'element', tagName: 'p', properties: {}, children: [{type: 'text', value: `Hyphenation ${word} ends.`}]}]}
    hyphenateTree(tree, 'en')
    const text = ((tree.children[0] as Element).children[0] as {value: string}).value
    assert.ok(text.includes(word), 'the long word is left whole')
    assert.match(text, /^Hy\u00ADphen\u00ADation /, 'ordinary words are hyphenated')
    const runaway: HastRoot = {type: 'root', children: [{type: 'text', value: `a ${'x'.repeat(200_000)} b`}]}
    breakRunawayWords(runaway)
    const broken = (runaway.children[0] as {value: string}).value
    assert.equal(broken.replaceAll('\u200B', ''), `a ${'x'.repeat(200_000)} b`)
    assert.equal([...broken.matchAll(/\u200B/g)].length, 1999)
    assert.match(broken, /^a x{100}\u200Bx{100}\u200B/)
  })
})

describe('the time limit covers every step', () => {
  test('reading a work that takes longer than the limit is an error naming the step; nothing is written', async () => {
    const [work] = await findWorks([path.join(fixtures, 'book-grade')], process.cwd())
    const session = new PublishingSession({out: path.join(fixtures, 'never-written'), cwd: projectRoot, strict: false, formats: ['html'], stepSeconds: 0}, browser)
    try {
      await assert.rejects(session.publish(work!), (error: Error) => error instanceof StepTimeoutError && /^Reading \S*book-grade went longer than 0 s without getting further \(it had got to /.test(error.message))
    } finally {
      await session.close()
    }
  })

  test('a step that keeps getting further may take as long as it needs; one that stops is stopped', async () => {
    const limit = new TimeLimit('Printing a long book', 0.3)
    const started = performance.now()
    // Checks every 0.1 s for well past the limit: each one that passes starts a new window.
    while (performance.now() - started < 1000) {
      limit.check('a chapter')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await new Promise((resolve) => setTimeout(resolve, 400))
    assert.throws(() => limit.check('chapter 12'), (error: Error) => error instanceof StepTimeoutError && /Printing a long book went longer than 0.3 s without getting further \(it had got to chapter 12\)/.test(error.message))
    limit.progress()
    assert.doesNotThrow(() => limit.check('chapter 13'), 'progress seen elsewhere (a browser job) starts a new window')
  })
})


describe('URL schemes are case-insensitive', () => {
  test('MAILTO: and HTTPS: keep their links, in a chapter with raw HTML too (the sanitiser knows them in lower case)', async () => {
    const file = new VFile({path: path.join(fixtures, 'schemes.md'), value: '<MAILTO:X@Y.Z> [web](HTTPS://example.com) <a href="MAILTO:x@y.z">raw</a> <span>html</span>\n'})
    const html = toHtml(await chapterTransformer({lang: 'en', dir: 'ltr', root: fixtures}).run(parseChapter(file), file))
    assert.equal(html, '<p><a href="mailto:X@Y.Z">MAILTO:X@Y.Z</a> <a href="https://example.com">web</a> <a href="mailto:x@y.z">raw</a> <span>html</span></p>')
  })
})
