/**
 * The EPUB edition, checked with the real EPUBCheck (Ace by DAISY runs in the exhaustive suite).
 */
import assert from 'node:assert/strict'
import {cpSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import {Font} from 'fonteditor-core'
import {epubCheckMany, fixtures, folio, plainQuotes, scratchFolder, seedParagraphs, visibleText, type Run} from './harness.ts'

type Book = Record<string, Uint8Array>
const text = (book: Book, name: string) => strFromU8(book[name]!)
const xhtmlFiles = (book: Book) => Object.keys(book).filter((name) => name.endsWith('.xhtml'))

/** Every EPUB this file builds, for one EPUBCheck run at its end. */
const epubEditions: string[] = []

describe('the brief as an EPUB', () => {
  const out = scratchFolder('epub')
  const file = path.join(out, 'winning-the-peace-in-ukraine.epub')
  let build: Run
  let book: Book
  let opf: string
  before(async () => {
    build = await folio(['build', '--format', 'epub', '--out', out], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    assert.equal(build.code, 0, build.stderr)
    book = unzipSync(readFileSync(file))
    opf = text(book, 'EPUB/package.opf')
  })

  // EPUBCheck at the end of the file, with the others; Ace runs with the exhaustive suite (build --check on book-grade and the institute).
  test('is written, for EPUBCheck', () => void epubEditions.push(file))

  test('fonts every reading system takes: TrueType, subset to the book, each face declared with its weight and style, generic fallbacks', () => {
    const fonts = Object.keys(book).filter((name) => name.startsWith('EPUB/fonts/'))
    assert.ok(fonts.length >= 3, fonts.join(', '))
    const css = text(book, 'EPUB/css/book.css')
    const chapter = visibleText(text(book, xhtmlFiles(book).find((name) => name.startsWith('EPUB/text/'))!))
    for (const name of fonts) {
      assert.match(name, /\.ttf$/, 'Kindle conversion keeps TrueType and OpenType, not WOFF2')
      assert.equal(Buffer.from(book[name]!.subarray(0, 4)).toString('hex'), '00010000', `${name} is a TrueType sfnt`)
      const href = name.slice('EPUB/'.length)
      assert.match(opf, new RegExp(`href="${href}" media-type="font/ttf"`))
      const rule = css.match(new RegExp(`@font-face \\{[^}]*src: url\\(\\.\\./${href}\\) format\\('truetype'\\)[^}]*\\}`))?.[0]
      assert.ok(rule, `${href} has an @font-face rule`)
      assert.match(rule, /font-style: (normal|italic);/)
      assert.match(rule, /font-weight: (400|700);/)
      const cmap = Object.keys(Font.create(Buffer.from(book[name]!), {type: 'ttf'}).get().cmap).map(Number)
      assert.ok(cmap.length < 200, `${name}: ${cmap.length} characters, subset to the book's`)
      if (/latin-400-normal/.test(name)) for (const letter of 'WPUKRAINE') assert.ok(cmap.includes(letter.codePointAt(0)!), `${name} has ${letter}`)
    }
    assert.ok(chapter.length > 1000)
    for (const stack of css.matchAll(/font-family: ([^;]+);/g)) if (stack[1]!.includes(',')) assert.match(stack[1]!, /, (serif|sans-serif|monospace)$/)
  })

  test('the container: mimetype first and stored, then the package', () => {
    const bytes = readFileSync(file)
    assert.equal(bytes.subarray(30, 38).toString('latin1'), 'mimetype')
    assert.equal(bytes.readUInt16LE(8), 0, 'stored, not compressed')
    assert.equal(bytes.subarray(38, 58).toString('latin1'), 'application/epub+zip')
  })

  test('every paragraph of the seed is in the XHTML text, in order', () => {
    const chapter = xhtmlFiles(book).filter((name) => name.startsWith('EPUB/text/'))
    assert.equal(chapter.length, 1, 'a single-file brief is one chapter')
    const content = plainQuotes(visibleText(text(book, chapter[0]!)))
    let from = 0
    for (const paragraph of seedParagraphs()) {
      const at = content.indexOf(plainQuotes(paragraph), from)
      assert.notEqual(at, -1, `missing or out of order: ${paragraph.slice(0, 60)}…`)
      from = at + 1
    }
    assert.ok(visibleText(text(book, chapter[0]!)).includes('It’s a clarifying moment'))
  })

  test('every XHTML file declares its encoding', () => {
    for (const name of xhtmlFiles(book)) assert.match(text(book, name), /^<\?xml version="1\.0" encoding="UTF-8"\?>/, name)
  })

  test('the package: stable identifier, titles, dates from SOURCE_DATE_EPOCH, no invented creator', () => {
    assert.match(opf, /<dc:identifier id="pub-id">urn:uuid:cd0ab7df-5b15-4878-a2f9-3dddd335ef86<\/dc:identifier>/)
    assert.match(opf, /<dc:title id="title">Winning the Peace in Ukraine<\/dc:title>/)
    assert.match(opf, /<meta property="title-type" refines="#subtitle">subtitle<\/meta>/)
    assert.match(opf, /<dc:language>en<\/dc:language>/)
    assert.match(opf, /<meta property="dcterms:modified">2023-11-14T22:13:20Z<\/meta>/)
    assert.match(opf, /<dc:date>2023-11-14T22:13:20Z<\/dc:date>/)
    assert.doesNotMatch(opf, /dc:creator|dc:publisher|dc:rights/)
    assert.match(opf, /<meta name="cover" content="cover-image" \/>/)
    assert.match(opf, /properties="cover-image"/)
  })

  test('accessibility metadata: what is true of the book, and conformance', () => {
    assert.match(opf, /<meta property="schema:accessMode">textual<\/meta>/)
    assert.doesNotMatch(opf, /accessMode">visual/)
    for (const feature of ['structuralNavigation', 'tableOfContents', 'readingOrder']) {
      assert.match(opf, new RegExp(`<meta property="schema:accessibilityFeature">${feature}</meta>`))
    }
    assert.doesNotMatch(opf, /alternativeText/, 'no images, no claim about them')
    assert.match(opf, /<meta property="schema:accessibilityHazard">none<\/meta>/)
    assert.match(opf, /<meta property="dcterms:conformsTo">EPUB Accessibility 1\.1 - WCAG 2\.2 Level AA<\/meta>/)
  })

  test('a cover drawn from the title: a 1600 × 2560 JPEG', () => {
    const cover = book['EPUB/images/cover.jpg']!
    assert.equal(cover[0], 0xff)
    assert.equal(cover[1], 0xd8)
    // The frame header (SOF0/SOF2) holds the height and width.
    const bytes = Buffer.from(cover)
    const sof = bytes.findIndex((byte, index) => byte === 0xff && (bytes[index + 1] === 0xc0 || bytes[index + 1] === 0xc2))
    assert.deepEqual([bytes.readUInt16BE(sof + 7), bytes.readUInt16BE(sof + 5)], [1600, 2560])
  })

  test('two builds with the same SOURCE_DATE_EPOCH are byte-identical', async () => {
    const again = scratchFolder('epub-again')
    const second = await folio(['build', '--format', 'epub', '--out', again], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    assert.equal(second.code, 0, second.stderr)
    assert.deepEqual(readFileSync(path.join(again, 'winning-the-peace-in-ukraine.epub')), readFileSync(file))
  })
})

describe('a book of chapters as an EPUB', () => {
  const out = scratchFolder('epub-book')
  const file = path.join(out, 'epub-book.epub')
  let build: Run
  let book: Book
  before(async () => {
    build = await folio(['build', path.join(fixtures, 'epub-book'), '--format', 'epub', '--out', out])
    book = unzipSync(readFileSync(file))
  })

  test('builds, with a warning for the image without alt text', () => {
    assert.equal(build.code, 0, build.stderr)
    assert.match(build.stderr, /results\.md:14:1 +warning +Image without alt text/)
  })

  // EPUBCheck at the end of the file; Ace on every fixture runs with the exhaustive suite (book-grade, institute: build --check).
  test('is written, for EPUBCheck', () => void epubEditions.push(file))

  test('one XHTML file per chapter, a title page, and links across chapters to the right file', () => {
    assert.ok(book['EPUB/text/introduction.xhtml'] && book['EPUB/text/results.xhtml'] && book['EPUB/titlepage.xhtml'])
    const introduction = text(book, 'EPUB/text/introduction.xhtml')
    assert.match(introduction, /<a href="results\.xhtml#what-we-found">the results<\/a>/)
    assert.match(text(book, 'EPUB/text/results.xhtml'), /<a href="introduction\.xhtml#method">introduction<\/a>/)
  })

  test('notes are pop-up notes: noteref outside a sup, aside footnote with its number first', () => {
    const introduction = text(book, 'EPUB/text/introduction.xhtml')
    assert.match(introduction, /<sup><a href="#fn-scope" id="fnref-scope" epub:type="noteref" role="doc-noteref">1<\/a><\/sup>/)
    assert.match(
      introduction,
      /<aside id="fn-scope" epub:type="footnote" role="doc-footnote" class="footnote"><p><a href="#fnref-scope" role="doc-backlink">1\.<\/a> The scope is Europe after 1945\.<\/p><\/aside>/
    )
    assert.doesNotMatch(introduction, /data-footnote-backref|↑/)
  })

  test('an image without alt text: no alternativeText, no conformance claim; creators as the manuscript names them', () => {
    const opf = text(book, 'EPUB/package.opf')
    assert.match(opf, /<meta property="schema:accessMode">visual<\/meta>/)
    assert.doesNotMatch(opf, /alternativeText|dcterms:conformsTo/)
    assert.match(opf, /<dc:creator id="contributor-1">Olena Kovalenko<\/dc:creator>\s*<meta refines="#contributor-1" property="role" scheme="marc:relators">aut<\/meta>/)
    assert.match(opf, /<dc:publisher>The Example Institute<\/dc:publisher>/)
    assert.match(opf, /<dc:date>2024-03-01T00:00:00Z<\/dc:date>/)
    assert.match(text(book, 'EPUB/text/results.xhtml'), /<img src="\.\.\/images\/2-figure\.png" width="60" height="40" alt="" \/>/)
  })

  test('the table of contents by chapter, in the nav document and the NCX', () => {
    const nav = text(book, 'EPUB/nav.xhtml')
    assert.match(nav, /<nav epub:type="toc" role="doc-toc" id="toc"/)
    assert.match(nav, /<li><a href="text\/introduction\.xhtml">Introduction<\/a><ol><li><a href="text\/introduction\.xhtml#method">Method<\/a><\/li><\/ol><\/li>/)
    assert.match(nav, /<a epub:type="cover" href="cover\.xhtml">Cover<\/a>.*<a epub:type="toc" href="nav\.xhtml#toc">.*<a epub:type="bodymatter" href="text\/introduction\.xhtml">/s)
    assert.match(text(book, 'EPUB/toc.ncx'), /<navLabel><text>The numbers<\/text><\/navLabel><content src="text\/results\.xhtml#the-numbers" \/>/)
  })
})

describe('images in the EPUB', () => {
  test('large images reduced, names made safe, types from the bytes; a cover named in the front matter', async () => {
    const project = scratchFolder('epub-images')
    const work = path.join(project, 'images')
    cpSync(path.join(fixtures, 'images'), work, {recursive: true})
    const source = readFileSync(path.join(work, 'input.md'), 'utf8').replace('lang: en\n', 'lang: en\ncover: pictures/photo.jpg\n')
    writeFileSync(path.join(work, 'input.md'), source)
    const build = await folio(['build', path.join(work, 'input.md'), '--format', 'epub', '--out', project])
    assert.equal(build.code, 0, build.stderr)
    const file = path.join(project, 'input.epub')
    epubEditions.push(file)
    const book = unzipSync(readFileSync(file))
    const names = Object.keys(book).filter((name) => name.startsWith('EPUB/images/'))
    assert.ok(names.every((name) => /^EPUB\/images\/[\w.-]+$/.test(name)), `safe names: ${names.join(', ')}`)
    assert.ok(names.includes('EPUB/images/3-jpeg-named.jpg'), 'a JPEG named .png is stored as .jpg')
    const large = names.find((name) => name.includes('large'))!
    const png = Buffer.from(book[large]!)
    assert.ok(png.readUInt32BE(16) * png.readUInt32BE(20) <= 4_000_000, 'reduced to 4 megapixels at most')
    assert.deepEqual(book['EPUB/images/cover.jpg'], new Uint8Array(readFileSync(path.join(fixtures, 'images', 'pictures', 'photo.jpg'))))
  })
})

test('every EPUB built above passes EPUBCheck, with no warnings (one Java start for all)', async () => {
  assert.equal(epubEditions.length, 3)
  const found = await epubCheckMany(epubEditions)
  assert.deepEqual([...found].flatMap(([file, messages]) => messages.map((message) => `${path.basename(file)}: ${message}`)), [])
})
