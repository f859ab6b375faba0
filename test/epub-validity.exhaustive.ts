/**
 * Every EPUB a build writes is valid, whatever the manuscript holds: Folio's
 * own structural checks run inside the build (a failure is an error and
 * nothing is written), and EPUBCheck confirms it on a corpus of hostile
 * manuscripts (test/fixtures/epub-hostile/), all checked by one Java
 * process. The command runs in process, with one browser for the run.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import {checkEpub} from '../build/check/epub-check.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {editionSettings} from '../build/pipeline/settings.ts'
import {zipBook} from '../build/editions/epub/container.ts'
import {buildEpubEdition} from '../build/editions/epub/index.ts'
import {EditionError} from '../build/errors.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {browser, epubCheckMany, fixtures, folio, nuCheck, scratchFolder} from './harness.ts'

const corpus = path.join(fixtures, 'epub-hostile')

/** The works of the corpus: each .md file, and each folder. */
function corpusWorks(): string[] {
  return readdirSync(corpus, {withFileTypes: true})
    .filter((entry) => entry.isDirectory() || entry.name.endsWith('.md'))
    .map((entry) => path.join(corpus, entry.name))
}

describe('the hostile corpus', () => {
  const out = scratchFolder('epub-hostile')
  let build: Awaited<ReturnType<typeof folio>>
  before(async () => {
    build = await folio(['build', ...corpusWorks(), '--format', 'html,epub', '--out', out])
  })

  test('every work builds, each problem a positioned warning', () => {
    assert.equal(build.code, 0, build.stderr)
    for (const expected of [
      /content-model\.md:12:19 +warning +Raw HTML: <table> cannot stand inside <p>; the <p> is split around it/,
      /content-model\.md:16:1 +warning +Raw HTML: the `lang` of <p> is not a value HTML knows \("not a tag"\); it is dropped/,
      /content-model\.md:18:1 +warning +Raw HTML: the `dir` of <p> is not a value HTML knows \("sideways"\)/,
      /content-model\.md:20:\d+ +warning +Raw HTML: the `datetime` of <time> is not a value HTML knows \("bogus"\)/,
      /content-model\.md:22:1 +warning +Raw HTML: 999 columns of this table would hold no cell of their own/,
      /content-model\.md:22:\d+ +warning +Raw HTML: the `rowspan` of <td> is 100000; HTML allows 0 to 65534/,
      /content-model\.md:26:\d+ +warning +Raw HTML: <p> cannot stand among the items of <ul>/,
      /content-model\.md:28:1 +warning +Raw HTML: <details> without a <summary> first is written as a <div>/,
      /01-start\.md:3:5 +warning +Link to `ok\.png`, which is not part of the editions .*; the link is removed, its text kept/,
      /01-start\.md:3:\d+ +warning +Link to `nothere\.html`, which is not part of the editions/,
      /01-start\.md:4:1 +warning +Link to `04-missing\.md`, which is not a chapter of this work; the link is removed/,
      /01-start\.md:5:\d+ +warning +Link target `#no-such-heading` not found in 03-end\.md; the link goes to the start of that chapter/,
      /01-start\.md:6:1 +warning +Link target `#no-such-here` not found in this chapter; the link is removed/,
      /01-start\.md:11:1 +warning +Heading without text \(or alt text\): it is left out of the table of contents/
    ]) {
      assert.match(build.stderr, expected)
    }
  })

  test('EPUBCheck finds no error and no warning in any of its EPUBs', async () => {
    const books = readdirSync(out).filter((name) => name.endsWith('.epub')).map((name) => path.join(out, name))
    assert.equal(books.length, corpusWorks().length)
    const found = await epubCheckMany(books)
    assert.deepEqual(Object.fromEntries([...found].map(([file, messages]) => [path.basename(file), messages])), Object.fromEntries(books.map((file) => [path.basename(file), []])))
  })

  test('the Nu HTML Checker finds no error in their HTML editions', async () => {
    const pages = readdirSync(out).filter((name) => name.endsWith('.html')).map((name) => path.join(out, name))
    const errors = (await nuCheck(pages)).filter((message) => message.type === 'error' || message.subType === 'fatal')
    assert.deepEqual(errors.map((error) => `${path.basename(error.url)}:${error.lastLine} ${error.message}`), [])
  })

  test('`]]>` is text in every XML file, where the manuscript wrote it', () => {
    const book = unzipSync(readFileSync(path.join(out, 'xml-escaping.epub')))
    const opf = strFromU8(book['EPUB/package.opf']!)
    assert.match(opf, /<dc:title id="title">The \]\]&gt; Title<\/dc:title>/)
    assert.match(opf, /<dc:identifier id="pub-id">urn:x-folio:cdata-\]\]&gt;-end<\/dc:identifier>/)
    assert.match(opf, /<dc:creator id="contributor-1">Ann \]\]&gt; Author<\/dc:creator>/)
    assert.match(strFromU8(book['EPUB/nav.xhtml']!), /A heading with \]\]&gt; in it/)
    assert.match(strFromU8(book['EPUB/toc.ncx']!), /<text>The \]\]&gt; Title<\/text>/)
  })

  test('links to what is not in the book are gone from every edition; WebP and AVIF are PNG and JPEG in the EPUB', () => {
    const html = readFileSync(path.join(out, 'links.html'), 'utf8')
    assert.doesNotMatch(html, /href="(ok\.png|nothere\.html|04-missing\.md|file:|FILE:|\.\.\/)/i)
    assert.match(html, /<a href="#the-end">the end, at a heading it lacks<\/a>/)
    const book = unzipSync(readFileSync(path.join(out, 'links.epub')))
    const names = Object.keys(book).filter((name) => name.startsWith('EPUB/images/'))
    assert.ok(names.some((name) => /picture\.png$/.test(name)), `the WebP (with transparency) is a PNG: ${names.join(', ')}`)
    assert.ok(names.some((name) => /picture\.jpg$/.test(name)), `the AVIF is a JPEG: ${names.join(', ')}`)
    assert.ok(!names.some((name) => /\.(webp|avif)$/.test(name)))
  })
})

describe("Folio's own EPUB checks", () => {
  const page = (body: string, head = '') =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>T</title>${head}</head><body>${body}</body></html>`
  const opf = (title = 'T') =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:x:1</dc:identifier><dc:title>${title}</dc:title><dc:language>en</dc:language><meta property="dcterms:modified">2024-01-01T00:00:00Z</meta></metadata><manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="a" href="text/a.xhtml" media-type="application/xhtml+xml"/><item id="b" href="text/b.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/><itemref idref="b"/></spine></package>\n`
  const book = (files: {title?: string; nav?: string; a?: string; b?: string}) =>
    zipBook(
      [
        {path: 'EPUB/package.opf', content: opf(files.title)},
        {path: 'EPUB/nav.xhtml', content: page(files.nav ?? '<nav epub:type="toc"><ol><li><a href="text/a.xhtml">A</a></li></ol></nav>')},
        {path: 'EPUB/text/a.xhtml', content: page(files.a ?? '<p id="p">A <a href="b.xhtml#q">to B</a></p>')},
        {path: 'EPUB/text/b.xhtml', content: page(files.b ?? '<p id="q">B <a href="a.xhtml">to A</a> <a href="https://example.com/">out</a></p>')}
      ],
      new Date(Date.UTC(2024, 0, 1))
    )
  const problems = async (files: Parameters<typeof book>[0]) => (await checkEpub(book(files))).result.problems

  test('a valid book passes', async () => {
    assert.deepEqual(await problems({}), [])
  })

  test('each kind of fault is found', async () => {
    assert.match((await problems({title: 'The ]]> Title'}))[0]!, /^EPUB\/package\.opf is not well-formed XML$/)
    assert.deepEqual(await problems({a: '<p id="p"><a href="ok.png">a chart</a></p>'}), ['EPUB/text/a.xhtml: <a href="ok.png"> names EPUB/text/ok.png, which is not in the manifest'])
    assert.deepEqual(await problems({a: '<p id="p"><a href="b.xhtml#nowhere">B</a></p>'}), ['EPUB/text/a.xhtml: <a href="b.xhtml#nowhere"> names #nowhere, which EPUB/text/b.xhtml does not have'])
    assert.deepEqual(await problems({a: '<p id="p"><a href="file:///etc/passwd">x</a></p>'}), ['EPUB/text/a.xhtml: <a href="file:///etc/passwd"> points outside the book'])
    assert.deepEqual(await problems({nav: '<nav epub:type="toc"><ol><li><a href="text/a.xhtml"> </a></li></ol></nav>'}), ['EPUB/nav.xhtml: an entry of the navigation has no label (href="text/a.xhtml")'])
    assert.deepEqual(await problems({a: '<p id="p">one</p><p id="p">two</p>'}), ['EPUB/text/a.xhtml: the id “p” is used twice'])
    assert.deepEqual(await problems({a: '<p id="p" foo:bar="1">x</p>'}), ['EPUB/text/a.xhtml: the namespace prefix foo: is not declared'])
  })

  test('the EPUB edition refuses to return a book that fails them', async () => {
    const [work] = await findWorks([path.join(fixtures, 'book-grade')], process.cwd())
    const {document} = await loadWork(work!)
    assert.ok(document)
    // A Document no reader makes: a link to an id no chapter has (the whole-work pass would have removed it).
    document.chapters[0]!.tree.children.push({type: 'element', tagName: 'a', properties: {href: '#nowhere'}, children: [{type: 'text', value: 'x'}]})
    document.cover = {path: 'cover.png', mediaType: 'image/png', bytes: new Uint8Array(readFileSync(path.join(corpus, 'pixel.png')))}
    await assert.rejects(buildEpubEdition({document, settings: editionSettings(document), browser}), (error: Error) => error instanceof EditionError && /^The EPUB of book-grade fails Folio's own checks, so it is not written: .*names #nowhere/.test(error.message))
  })
})
