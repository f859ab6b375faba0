/**
 * Citations (Pandoc's syntax, citeproc-js, CSL styles), the bibliography,
 * cross-references (pandoc-crossref's syntax) and the messages for each
 * mistake. The test work (test/fixtures/citations/) cites 13 sources of
 * every kind; its rendering in each shipped style is compared with Pandoc's
 * (golden files made by test/fixtures/citations/pandoc/make-goldens.sh),
 * and the differences accepted are listed below with their reasons.
 */
import assert from 'node:assert/strict'
import {cpSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import type {Root as MdastRoot} from 'mdast'
import {unified} from 'unified'
import {visit} from 'unist-util-visit'
import {VFile} from 'vfile'
import {blocksOf, checkFidelity} from '../build/check/fidelity.ts'
import type {Document} from '../build/document/document.ts'
import {locatorTerms} from '../build/read/citation-style.ts'
import type {CitationData} from '../build/transform/citations/index.ts'
import {parseLocator} from '../build/transform/citations/locator.ts'
import remarkCitations from '../build/transform/citations/remark.ts'
import remarkDirectives from '../build/transform/directives.ts'
import {parseChapter} from '../build/transform/processor.ts'
import {renderings} from './citations-compare.ts'
import {fixtures, folio, scratchFolder, tool} from './harness.ts'

const work = path.join(fixtures, 'citations')
const terms = new Map([...locatorTerms('en-US')])

/** The citations remark finds in a snippet (a work with a bibliography). */
function citationsOf(markdown: string, sources = true): CitationData[] {
  const file = new VFile({path: '/work/snippet.md', value: markdown})
  const tree = unified().use(remarkDirectives, {lang: 'en'}).use(remarkCitations, {sources, notes: false, terms: () => terms}).runSync(parseChapter(file), file) as MdastRoot
  const found: CitationData[] = []
  visit(tree, (node) => {
    if ((node as {type: string}).type === 'citation') found.push((node as unknown as {data: {citation: CitationData}}).data.citation)
  })
  return found
}

const keys = (markdown: string): string[][] => citationsOf(markdown).map((citation) => citation.items.map((item) => (item.suppressAuthor ? '-' : '') + item.key))

describe('citation syntax, as Pandoc reads it', () => {
  test('bracketed citations: items at `;`, a prefix, a key, a locator and a suffix', () => {
    const [citation] = citationsOf('Text [see @doe99, pp. 33--35, and passim; also @smith04, chap. 1].')
    assert.deepEqual(citation!.items, [
      {key: 'doe99', prefix: 'see', suffix: ', and passim', locator: '33–35', label: 'page', suppressAuthor: false},
      {key: 'smith04', prefix: 'also', suffix: '', locator: '1', label: 'chapter', suppressAuthor: false}
    ])
    assert.equal(citation!.authorInText, false)
  })

  test('an author in the text, with and without a locator; a suppressed author', () => {
    assert.deepEqual(keys('@doe99 says so.'), [['doe99']])
    assert.equal(citationsOf('@doe99 says so.')[0]!.authorInText, true)
    const [located] = citationsOf('@doe99 [p. 33] says so.')
    assert.deepEqual([located!.items[0]!.locator, located!.items[0]!.label, located!.authorInText], ['33', 'page', true])
    assert.deepEqual(keys('@doe99 [p. 33; @smith04] say so.'), [['doe99', 'smith04']])
    assert.deepEqual(keys('As Doe says [-@doe99, 4].'), [['-doe99']])
  })

  test('keys end before trailing punctuation; `@{…}` takes any key', () => {
    assert.deepEqual(keys('As in @doe99. And @doe:2020/x, too; @{odd:key!}'), [['doe99'], ['doe:2020/x'], ['odd:key!']])
  })

  test('what is not a citation: an address, an escape, a character reference, code, a link, a footnote', () => {
    assert.deepEqual(keys('Write to me@example.com or [me@example.com].'), [])
    assert.deepEqual(keys('An escaped \\@doe99 and &#64;doe99.'), [])
    assert.deepEqual(keys('Code `@doe99` and `[@doe99]`.'), [])
    assert.deepEqual(keys('A [link to @doe99](https://example.com/).'), [])
    assert.deepEqual(keys('A note[^1].\n\n[^1]: Its text.'), [])
  })

  test('brackets that do not hold a citation leave an author in the text, as in Pandoc 2.17 (`pandoc -t native`)', () => {
    const bracketed = citationsOf('[@doe99, pp. 3; 5] and \\[@doe99].')
    assert.deepEqual(bracketed.map((citation) => [citation.source, citation.authorInText]), [['@doe99', true], ['@doe99', true]])
  })

  test('emphasis may stand in a prefix; a citation may stand in emphasis', () => {
    assert.deepEqual(citationsOf('[*see* @doe99]')[0]!.items[0]!.prefix, 'see')
    assert.deepEqual(keys('*As @doe99 says.*'), [['doe99']])
  })

  test('without a bibliography only cross-references are read: a handle stays text', () => {
    assert.deepEqual(citationsOf('Follow @nato on social media; see @fig:map.', false).map((citation) => citation.items[0]!.key), ['fig:map'])
  })
})

describe('locators, as Pandoc reads them', () => {
  const cases: Array<[string, {locator?: string; label?: string; suffix: string}]> = [
    [', 33', {locator: '33', label: 'page', suffix: ''}],
    [', p. 33', {locator: '33', label: 'page', suffix: ''}],
    [', pp. 33--35, 40', {locator: '33–35, 40', label: 'page', suffix: ''}],
    [', chap. 2', {locator: '2', label: 'chapter', suffix: ''}],
    [', sec. 4.2', {locator: '4.2', label: 'section', suffix: ''}],
    [', 33, and passim', {locator: '33', label: 'page', suffix: ', and passim'}],
    [', {pp. iv, vi-xi} with more', {locator: 'iv, vi-xi', label: 'page', suffix: ' with more'}],
    [' and more', {suffix: ' and more'}],
    ['passim', {suffix: ', passim'}]
  ]
  for (const [suffix, expected] of cases) {
    test(`"${suffix}"`, () => assert.deepEqual(parseLocator(suffix, terms), expected))
  }
})

/** A copy of the test work in a scratch folder, in a style. */
function workIn(style: string, name = style): string {
  const folder = path.join(scratchFolder(`citations-${name}`), 'work')
  mkdirSync(folder, {recursive: true})
  cpSync(work, folder, {recursive: true})
  const manuscript = path.join(folder, 'apparatus.md')
  writeFileSync(manuscript, readFileSync(manuscript, 'utf8').replace(/^csl: .*$/m, `csl: ${style}`))
  return manuscript
}

/** Build a work (a Markdown file, or a folder of chapters) in-process; editions go to `out/` beside it. */
async function build(manuscript: string, formats: string, extra: string[] = []): Promise<{code: number; lines: string[]; out: string}> {
  const out = path.join(manuscript.endsWith('.md') ? path.dirname(manuscript) : path.dirname(path.resolve(manuscript)), 'out')
  const run = await folio(['build', manuscript, '--out', out, '--format', formats, ...extra])
  return {code: run.code, lines: `${run.stdout}${run.stderr}`.split('\n').filter(Boolean), out}
}

/**
 * Where Folio's rendering may differ from Pandoc 2.17's, and why. Each is a
 * replacement of Folio's words by Pandoc's; each must still be needed.
 */
const accepted: Array<{styles: string[]; folio: string; pandoc: string; why: string}> = [
  {styles: ['apa'], folio: 'Chapter 2', pandoc: '2', why: 'Pandoc 2.17 drops the label of a chapter locator; citeproc-js prints it as the style asks'},
  {styles: ['chicago-author-date', 'chicago-notes-bibliography'], folio: 'chap. 2', pandoc: '2', why: 'the same: Pandoc drops “chap.”'},
  {styles: ['chicago-author-date', 'chicago-notes-bibliography'], folio: '201–24', pandoc: '201–224', why: 'citeproc-js applies the style’s page-range-format (chicago-16); Pandoc 2.17 does not'},
  {styles: ['chicago-author-date', 'chicago-notes-bibliography'], folio: '(RDNA3)', pandoc: '(Rdna3)', why: 'Pandoc loses the braces that protect {RDNA3} inside parentheses, and title case lowers it'},
  {styles: ['apa'], folio: 'War and State-Making in Ukraine: Forging', pandoc: 'War and state-making in Ukraine: Forging', why: 'citation-js sets BibTeX titles in sentence case less eagerly before a colon'},
  {styles: ['chicago-notes-bibliography'], folio: 'Research report', pandoc: 'Research Report', why: 'citeproc-js lower-cases the genre where the note layout asks for it; Pandoc keeps the entry’s case'},
  {styles: ['chicago-notes-bibliography'], folio: 'Below?,”', pandoc: 'Below?”', why: 'Pandoc drops a comma after a question mark; citeproc-js keeps the style’s comma'}
]

describe('the test work in each shipped style reads as Pandoc renders it', () => {
  for (const style of ['apa', 'chicago-author-date', 'chicago-notes-bibliography']) {
    test(style, async () => {
      const built = await build(workIn(style), 'html')
      assert.equal(built.code, 0, built.lines.join('\n'))
      const folio = renderings(readFileSync(path.join(built.out, 'apparatus.html'), 'utf8'), 'folio')
      const pandoc = renderings(readFileSync(path.join(work, 'pandoc', `${style}.html`), 'utf8'), 'pandoc')
      const used = new Set<number>()
      const asPandoc = (text: string | undefined): string | undefined => {
        if (text === undefined) return undefined
        let result = text
        for (const [index, difference] of accepted.entries()) {
          if (difference.styles.includes(style) && result.includes(difference.folio)) {
            result = result.replaceAll(difference.folio, difference.pandoc)
            used.add(index)
          }
        }
        return result
      }
      assert.equal(folio.citations.length, pandoc.citations.length, `citations: ${folio.citations.join(' | ')}`)
      for (const [index, citation] of pandoc.citations.entries()) assert.equal(asPandoc(folio.citations[index]), citation, `citation ${index + 1}`)
      assert.deepEqual([...folio.entries.keys()].sort(), [...pandoc.entries.keys()].sort(), 'the same entries, the uncited one (nocite) too')
      assert.equal(folio.entries.size, 13)
      for (const [key, entry] of pandoc.entries) assert.equal(asPandoc(folio.entries.get(key)), entry, `entry ${key}`)
      for (const [index, difference] of accepted.entries()) {
        if (difference.styles.includes(style)) assert.ok(used.has(index), `accepted difference still needed: ${difference.folio}`)
      }
    })
  }
})

/** Match without printing a whole page when it fails. */
function contains(text: string, pattern: RegExp): void {
  assert.ok(pattern.test(text), `expected ${pattern}`)
}

describe('the test work in all three editions (Chicago author-date)', () => {
  let built: Awaited<ReturnType<typeof build>>
  let html: string
  let book: Record<string, Uint8Array>
  let pages: string[]
  before(async () => {
    built = await build(workIn('chicago-author-date', 'editions'), 'html,pdf,epub')
    html = readFileSync(path.join(built.out, 'apparatus.html'), 'utf8')
    book = unzipSync(readFileSync(path.join(built.out, 'apparatus.epub')))
    const text = await tool('pdftotext', ['-layout', path.join(built.out, 'apparatus.pdf'), '-'])
    pages = text.replaceAll('\u00AD', '').split('\f').slice(0, -1)
  })

  test('builds without a message', () => {
    assert.equal(built.code, 0, built.lines.join('\n'))
    assert.doesNotMatch(built.lines.join('\n'), /warning|error/)
  })

  test('citations link to their entries (doc-biblioref); DOIs are links; the bibliography is a doc-bibliography section at the end', () => {
    contains(html, /<span class="citation">\(<a href="#ref-kennan1951" role="doc-biblioref">Kennan 1951, 33<\/a>; <a href="#ref-snyder2018" role="doc-biblioref">see also Snyder 2018, chap\. 2<\/a>\)<\/span>/)
    contains(html, /<span class="citation">Plokhy \(<a href="#ref-plokhy2023" role="doc-biblioref">2023<\/a>\)<\/span>/)
    contains(html, /<section id="refs" class="references" role="doc-bibliography" aria-labelledby="references">\s*<h2 id="references">References<\/h2>/)
    contains(html, /<div id="ref-plokhy2023" class="csl-entry">.*<a href="https:\/\/doi\.org\/10\.1234\/fa\.2023\.102\.3\.45">/)
    // The bibliography's own stylesheet (hanging indents) comes with it.
    contains(html, /\.references \.csl-entry \{\s*padding-left: 2em;\s*text-indent: -2em;/)
    const xhtml = Object.entries(book).find(([name]) => name.endsWith('.xhtml') && strFromU8(book[name]!).includes('csl-entry'))
    assert.ok(xhtml, 'the bibliography is in the EPUB')
    const text = strFromU8(xhtml[1])
    contains(text, /role="doc-bibliography"[^>]*epub:type="bibliography"/)
    contains(text, /role="doc-biblioref"/)
  })

  test('cross-references: numbered, localized, linked; the PDF gives the page', () => {
    contains(html, /<span class="cross-reference"><a href="#fig:map">Figure\u00A01<\/a><\/span> shows and <span class="cross-reference"><a href="#tbl:costs">Table\u00A01<\/a><\/span>/)
    contains(html, /<a href="#fig:map">Figure\u00A01<\/a> and <a href="#tbl:costs">Table\u00A01<\/a>/)
    contains(html, /<figure class="figure" id="fig:map">/)
    contains(html, /<table class="captioned" id="tbl:costs">/)
    contains(html, /<h2 id="sec:outlook">Outlook<\/h2>/)
    const outlook = pages.findIndex((page) => /^\s*Outlook\s*$/m.test(page))
    assert.ok(outlook > 0, 'the Outlook section is past the first page')
    assert.match(pages.join('\n'), new RegExp(`Section 3 on page ${outlook + 1}\\.`))
  })

  test('the PDF’s outline and contents include the bibliography', async () => {
    const outline = await tool('mutool', ['show', path.join(built.out, 'apparatus.pdf'), 'outline'])
    assert.match(outline, /References/)
  })
})

describe('messages for each mistake', () => {
  let lines: string
  let code: number
  let strictCode: number
  before(async () => {
    const folder = scratchFolder('citation-mistakes')
    writeFileSync(path.join(folder, 'broken.bib'), '@book{ok,\n  title = {Fine},\n  year = {2000}\n\n@book{late, title = {Never read}}\n')
    writeFileSync(path.join(folder, 'refs.bib'), '@book{doe99, author = {Doe, Jane}, title = {A Book}, year = {1999}}\n')
    const manuscript = path.join(folder, 'mistakes.md')
    writeFileSync(manuscript, [
      '---', 'title: Mistakes', 'lang: en', 'bibliography: [refs.bib, broken.bib]', 'csl: harvard-unknown', '---', '',
      'A known source [@doe99] and an unknown one [@nobody2020, p. 3].', '',
      '## Risks {#sec:risks}', '', '## Risks again {#sec:risks}', '',
      'See @fig:missing and @sec:risks.', '',
      'A call with no note[^3] and a note nobody calls.', '',
      '[^unused]: Never called.', ''
    ].join('\n'))
    const built = await build(manuscript, 'html')
    lines = built.lines.join('\n')
    code = built.code
    strictCode = (await build(manuscript, 'html', ['--strict'])).code
  })

  test('an unknown key, at its place, the citation shown as written', () => {
    assert.match(lines, /mistakes\.md:8:44 +warning +Unknown citation key `nobody2020`: no entry in the bibliography \(refs\.bib, broken\.bib\); `\[@nobody2020, p\. 3\]` is shown as written +citation-key/)
  })

  test('a bibliography that cannot be parsed, at its own line', () => {
    assert.match(lines, /broken\.bib:5:1 +warning +Bibliography cannot be read: .+; its entries are left out +bibliography-syntax/)
  })

  test('an unknown style', () => {
    assert.match(lines, /mistakes\.md:5:6 +warning +Unknown citation style `harvard-unknown`: Folio ships apa, chicago-author-date, chicago-notes-bibliography/)
  })

  test('a label defined twice; a label that does not exist', () => {
    assert.match(lines, /mistakes\.md:12:1 +warning +Label `\{#sec:risks\}` is defined twice: references go to the first +cross-reference-label/)
    assert.match(lines, /mistakes\.md:14:5 +warning +Cross-reference `@fig:missing`: no `\{#fig:missing\}` label in this work; `@fig:missing` is shown as written +cross-reference/)
  })

  test('a footnote call without a note; a note nobody calls', () => {
    assert.match(lines, /mistakes\.md:16:20 +warning +Footnote `\[\^3\]` has no definition \(`\[\^3\]: …`\): it is shown as written +footnote-undefined/)
    assert.match(lines, /mistakes\.md:18:1 +warning +Footnote `\[\^unused\]` is defined but never called: it is left out/)
  })

  test('warnings build (the references visible); --strict fails', () => {
    assert.equal(code, 0)
    assert.equal(strictCode, 1)
  })
})

describe('fidelity', () => {
  test('a citation an edition dropped fails the check; Folio’s words between the manuscript’s do not', () => {
    const file = new VFile({path: '/work/a.md', value: 'x'})
    const position = {start: {line: 1, column: 1}, end: {line: 1, column: 2}}
    const citation = {type: 'element', tagName: 'span', properties: {className: ['citation']}, position, children: [{type: 'text', value: '(Doe 1999, 3)'}]}
    const pageReference = {type: 'element', tagName: 'span', properties: {className: ['page-reference']}, children: [{type: 'text', value: ' on page 2'}]}
    const paragraph = {type: 'element', tagName: 'p', properties: {}, position, children: [{type: 'text', value: 'As shown '}, citation, {type: 'text', value: ' and in Figure 1'}, pageReference, {type: 'text', value: ', it holds.'}]}
    const document = {chapters: [{file, tree: {type: 'root', children: [paragraph]}}]} as unknown as Document
    const blocks = blocksOf(document)
    assert.equal(checkFidelity('pdf', blocks, 'As shown (Doe 1999, 3) and in Figure 1 on page 7, it holds.', {cwd: '/'}).status, 'pass')
    const dropped = checkFidelity('pdf', blocks, 'As shown and in Figure 1 on page 7, it holds.', {cwd: '/'})
    assert.equal(dropped.status, 'fail')
    assert.match(dropped.problems.join('\n'), /Citation missing from the pdf edition: “\(Doe 1999, 3\)”/)
  })
})

describe('a book of chapters in a note style, its bibliography at `:::refs`', () => {
  test('notes count through the book (a short note in a later chapter); the bibliography goes where `:::refs` stands, under the author’s heading', async () => {
    const folder = path.join(scratchFolder('citation-book'), 'book')
    mkdirSync(folder, {recursive: true})
    cpSync(path.join(work, 'refs.bib'), path.join(folder, 'refs.bib'))
    writeFileSync(path.join(folder, 'book.yaml'), 'title: A Cited Book\nlang: en-GB\nbibliography: refs.bib\ncsl: chicago-notes-bibliography\nchapters:\n  - one.md\n  - two.md\n  - sources.md\n')
    writeFileSync(path.join(folder, 'one.md'), '# One {#sec:one}\n\nA claim [@kennan1951, 33]. See @sec:two.\n')
    writeFileSync(path.join(folder, 'two.md'), '# Two {#sec:two}\n\nAgain [@kennan1951, 34], as @sec:one said.\n')
    writeFileSync(path.join(folder, 'sources.md'), '---\ntype: bibliography\n---\n\n# Works cited\n\n:::refs\n:::\n')
    const built = await build(folder, 'html')
    assert.equal(built.code, 0, built.lines.join('\n'))
    const html = readFileSync(path.join(built.out, 'book.html'), 'utf8')
    contains(html, /<li id="fn-cite-1">\s*<p><span class="citation">George F\. Kennan, <i>American Diplomacy, 1900–1950<\/i> \(University of Chicago Press, 1951\), 33\.<\/span>/)
    contains(html, /<span class="citation">Kennan, <i>American Diplomacy, 1900–1950<\/i>, 34\.<\/span>/)
    contains(html, /<a href="#sec:two">Section\u00A02<\/a>/)
    contains(html, /<h1 id="works-cited">Works cited<\/h1>\s*<section id="refs" class="references" role="doc-bibliography" aria-label="Bibliography">\s*<div class="csl-bib-body">\s*<div id="ref-kennan1951" class="csl-entry">Kennan, George F\. <i>American Diplomacy, 1900–1950<\/i>\. University of Chicago Press, 1951\.<\/div><\/div>/)
    assert.doesNotMatch(html, /<h1[^>]*>Bibliography<\/h1>/, 'no second heading at the end')
  })
})
