/**
 * The EPUB in a reading system's view (build/check/reading-system.ts): each
 * check finds its fault on a hand-made EPUB and nothing on the same pages
 * without it; then the brief and the book-grade fixture are read at a
 * phone's page in every mode, and Folio's own tables, figures and headings
 * are set at every height of a page to see whether any is left stranded.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {strFromU8, strToU8, unzipSync, zipSync} from 'fflate'
import sharp from 'sharp'
import {describeFinding, readInReadingSystem, readingModes, type ReadingModeName, type ReadingSystemReport} from '../build/check/reading-system.ts'
import {browser, fixtures, folio, scratchFolder} from './harness.ts'

const modes = Object.keys(readingModes) as ReadingModeName[]
/** A 1 × 1 blue PNG, drawn at any size by the page's CSS. */
const dot = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')

/** A small EPUB 3: one spine document (`OEBPS/<name>.xhtml`) per entry, each with its own styles, and `dot.png`. */
function handMadeEpub(documents: Record<string, {body: string; css?: string}>): Uint8Array {
  const names = Object.keys(documents)
  const files: Record<string, Uint8Array> = {
    mimetype: strToU8('application/epub+zip'),
    'META-INF/container.xml': strToU8(
      '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
    ),
    'OEBPS/content.opf': strToU8(
      `<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:uuid:0</dc:identifier><dc:title>Hand-made</dc:title><dc:language>en</dc:language></metadata><manifest>${names.map((name) => `<item id="${name}" href="${name}.xhtml" media-type="application/xhtml+xml"/>`).join('')}<item id="dot" href="dot.png" media-type="image/png"/></manifest><spine>${names.map((name) => `<itemref idref="${name}"/>`).join('')}</spine></package>`
    ),
    'OEBPS/dot.png': dot
  }
  for (const [name, {body, css = ''}] of Object.entries(documents)) {
    files[`OEBPS/${name}.xhtml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>${name}</title><style>${css}</style></head><body>${body}</body></html>`
    )
  }
  return zipSync(files)
}

/** A part set after a spacer of each height from `from` to `to` CSS pixels, every 10, each on a page of its own. */
const sweep = (part: string, from: number, to: number) =>
  Array.from({length: (to - from) / 10 + 1}, (_, index) => `<section style="break-before: column"><div style="height: ${from + index * 10}px"></div>${part}</section>`).join('')
const table = `<table><caption>Table 1. Caption</caption><thead><tr><th>Kind</th><th>Value</th></tr></thead><tbody>${'<tr><td>Treaty</td><td>0.9</td></tr>'.repeat(8)}</tbody></table>`
const figure = '<figure><img src="dot.png" alt="A blue square"/><figcaption>Figure 1. Caption</figcaption></figure>'
const heading = `<h2>A heading</h2><p>${'Words on a line. '.repeat(30)}</p>`
const longWord = '<td>Supercalifragilistic</td>'.repeat(4)

/** Each fault, in a document of its own: those that depend on where a page ends, at every height of a page. */
const faults = {
  contrast: {body: '<p class="faint">Faint grey text</p><aside class="box"><p>Text in a grey box</p></aside>', css: '.faint { color: #bbbbbb } .box { background: #f3f4f6 }'},
  wide: {body: `<table>${longWord}</table><pre>${'x'.repeat(100)}</pre><p class="pushed">Pushed aside</p>`, css: '.pushed { position: relative; left: 300px }'},
  table: {body: sweep(table, 400, 650)},
  figure: {body: sweep(figure, 400, 650), css: 'figure { break-inside: auto } img { display: block; width: 100px; height: 150px }'},
  heading: {body: sweep(heading, 450, 650), css: 'h2 { break-after: auto }'}
}

/** The same pages without the faults. */
const fixed = {
  contrast: {body: faults.contrast.body},
  wide: {body: `<table><tr><td>Super</td><td>califragilistic</td></tr></table><pre>${'x '.repeat(50)}</pre><p>Pushed aside</p>`, css: 'pre { white-space: pre-wrap }'},
  table: {body: faults.table.body, css: 'caption, thead { break-after: avoid }'},
  figure: {body: faults.figure.body, css: 'figure { break-inside: avoid } img { display: block; width: 100px; height: 150px }'},
  heading: {body: faults.heading.body, css: 'h2 { break-after: avoid }'}
}

describe("the reading-system view finds each fault, and nothing on the same pages without it", () => {
  let faulty: ReadingSystemReport
  let clean: ReadingSystemReport
  before(async () => {
    faulty = await readInReadingSystem(handMadeEpub(faults), {browser, screenshots: 1})
    clean = await readInReadingSystem(handMadeEpub(fixed), {browser})
  })
  const found = (page: keyof typeof faults, mode: ReadingModeName) =>
    faulty.findings.filter((finding) => finding.document === `OEBPS/${page}.xhtml` && finding.mode === mode).map((finding) => `${finding.check}: ${finding.element} “${finding.text}”`)

  test('without the faults: nothing, in any mode', () => {
    assert.deepEqual(clean.findings.map(describeFinding), [])
    assert.deepEqual(clean.documents.map((document) => document.path), Object.keys(fixed).map((name) => `OEBPS/${name}.xhtml`))
  })

  test("contrast: the book's faint grey on the day page; its grey box under Calibre's dark scheme; neither in Readium's night, which overrides the book's colours", () => {
    assert.deepEqual(found('contrast', 'day'), ['contrast: p.faint “Faint grey text”'])
    assert.deepEqual(found('contrast', 'calibre'), ['contrast: p.faint “Faint grey text”'])
    assert.deepEqual(found('contrast', 'night'), [])
    assert.deepEqual(found('contrast', 'calibre-dark'), ['contrast: aside.box > p “Text in a grey box”'])
    const box = faulty.findings.find((finding) => finding.mode === 'calibre-dark' && finding.element === 'aside.box > p')
    assert.match(box?.detail ?? '', /^contrast 1\.10:1, under 4\.5:1 \(#ffffff on #f3f4f6\)$/)
  })

  test('off the page: a table wider than the column, a paragraph pushed past the margin, a line that runs off the page', () => {
    for (const mode of modes) {
      assert.deepEqual(found('wide', mode), ['off-page: table “Supercalifragilistic Supercalifragilistic Supercalifragilis…”', 'off-page: p.pushed “Pushed aside”', 'off-page: pre “xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…”'], mode)
    }
    const pushed = faulty.findings.find((finding) => finding.mode === 'day' && finding.element === 'p.pushed')
    assert.match(pushed?.detail ?? '', /reaches 300 px past the page's 335 × 667 px text area/)
  })

  test("stranded: a table's caption and header row at the foot of a page, its rows on the next", () => {
    for (const mode of modes) {
      const kinds = new Set(found('table', mode))
      assert.deepEqual([...kinds], ['stranded: table > caption “Table 1. Caption”', 'stranded: thead > tr “Kind Value”'], mode)
    }
  })

  test("stranded: a figure's image at the foot of a page, its caption on the next", () => {
    for (const mode of modes) assert.deepEqual([...new Set(found('figure', mode))], ['stranded: figure > img “A blue square”'], mode)
  })

  test('stranded: a heading at the foot of a page, its text on the next', () => {
    for (const mode of modes) assert.deepEqual([...new Set(found('heading', mode))], ['stranded: section > h2 “A heading”'], mode)
  })

  test("pictures of the first page in each mode, at each engine's page size, in the mode's colours", async () => {
    const pictures = faulty.screenshots.filter((picture) => picture.document === 'OEBPS/contrast.xhtml')
    assert.deepEqual(pictures.map((picture) => `${picture.mode} ${picture.page}`), modes.map((mode) => `${mode} 1`))
    const look = async (mode: ReadingModeName) => {
      const png = pictures.find((picture) => picture.mode === mode)!.png
      const {width, height} = await sharp(png).metadata()
      const {channels} = await sharp(png).stats()
      return {size: `${width}×${height}`, brightness: Math.round(channels.slice(0, 3).reduce((sum, channel) => sum + channel.mean, 0) / 3)}
    }
    const day = await look('day')
    const night = await look('night')
    const sepia = await look('sepia')
    assert.equal(day.size, '375×667')
    assert.equal((await look('calibre-dark')).size, '335×627', "Calibre's frame is the screen less its 20 px margins")
    assert.ok(day.brightness > 240 && night.brightness < 15, `day ${day.brightness}, night ${night.brightness}`)
    assert.ok(sepia.brightness > 200 && sepia.brightness < day.brightness, `sepia ${sepia.brightness}`)
  })
})

const books = {brief: 'winning-the-peace-in-ukraine', 'book-grade': 'book-grade'} as const
type Book = keyof typeof books

/**
 * What fails today, and why: the stylesheets' own colours. A reading system
 * that keeps a book's colours (Calibre's viewer) paints the page dark and
 * the text light, and leaves the grey (#55575f) of subtitles and captions,
 * the near-black (#1c1d21) of the figure and table labels, the dark blue
 * (#0a4a7f) of the callouts' labels, and the light grey (#f3f4f6) fill of
 * notes and footnotes, under light text.
 */

describe('the brief and the book-grade fixture at a phone’s page, in every mode', () => {
  const out = scratchFolder('reading-system')
  const reports = {} as Record<Book, ReadingSystemReport>
  const epubs = {} as Record<Book, Uint8Array>
  before(async () => {
    const build = await folio(['build', 'manuscript/winning-the-peace-in-ukraine.md', path.join(fixtures, 'book-grade'), '--format', 'epub', '--out', out], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    assert.equal(build.code, 0, build.stdout + build.stderr)
    for (const [book, slug] of Object.entries(books) as Array<[Book, string]>) {
      epubs[book] = new Uint8Array(readFileSync(path.join(out, `${slug}.epub`)))
      reports[book] = await readInReadingSystem(epubs[book], {browser, name: book})
    }
  })

  test('every document of the spine is laid out in pages, in every mode', () => {
    assert.deepEqual(reports.brief.documents.map((document) => document.path), ['EPUB/cover.xhtml', 'EPUB/text/winning-the-peace-in-ukraine.xhtml'])
    assert.equal(reports['book-grade'].documents.length, 10)
    for (const report of Object.values(reports)) {
      for (const document of report.documents) assert.deepEqual(Object.keys(document.pages), modes, document.path)
    }
    const brief = reports.brief.documents[1]!.pages
    assert.ok(brief.day! >= 8, `the brief is ${brief.day} phone pages`)
    assert.equal(brief.day, brief.night, 'night changes colours, not the layout')
  })

  test('the stylesheet gives the page, the text and the boxes no colour of their own: the reading system chooses', () => {
    for (const [book, epub] of Object.entries(epubs)) {
      const css = strFromU8(unzipSync(epub, {filter: (file) => file.name === 'EPUB/css/book.css'})['EPUB/css/book.css']!)
      const colours = [...css.matchAll(/(?:^|[;{\s])((?:color|background(?:-color)?)\s*:\s*([^;}]+))/g)]
        .filter(([, , value]) => !/^(?:currentColor|inherit|transparent|none)$/i.test(value!.trim()))
        .map(([, declaration]) => declaration)
      assert.deepEqual(colours, [], book)
      const frames = [...css.matchAll(/border(?:-\w+)?\s*:[^;}]*#[0-9a-f]{3,8}/gi)].map(([declaration]) => declaration)
      assert.ok(frames.every((frame) => frame.includes('#d5d7dd')), `${book}: frames in the text's colour, only hairlines in the theme's rule: ${frames.join('; ')}`)
    }
  })

  test('footnotes are notes (small, plain, the number first), not the :::note callout', () => {
    const files = unzipSync(epubs['book-grade'])
    const preface = strFromU8(files['EPUB/text/preface.xhtml']!)
    assert.match(preface, /<aside id="fn-origin" epub:type="footnote" role="doc-footnote" class="footnote"><p><a href="#fnref-origin" role="doc-backlink">1\.<\/a> The brief appeared in 2023\.<\/p><\/aside>/)
    const css = strFromU8(files['EPUB/css/book.css']!)
    assert.match(css, /\.footnotes \{[^}]*font-size: 0\.85em/)
    assert.doesNotMatch(preface, /class="note"/)
  })

  test('callouts are set ragged right, short tables kept whole', () => {
    const files = unzipSync(epubs['book-grade'])
    const css = strFromU8(files['EPUB/css/book.css']!)
    assert.match(css, /\.callout \{[^}]*text-align: left/)
    assert.match(strFromU8(files['EPUB/text/findings.xhtml']!), /<table class="[^"]*\bshort\b[^"]*" id="table-1">/)
  })

  for (const book of Object.keys(books) as Book[]) {
    for (const mode of modes) {
      test(`${book}, ${mode}: nothing off the page, no text under 4.5:1, nothing stranded`, () => {
        assert.deepEqual(reports[book].findings.filter((finding) => finding.mode === mode).map(describeFinding), [])
      })
    }
  }

  describe("Folio's tables, figures and headings set at every height of a page", () => {
    let probe: ReadingSystemReport
    before(async () => {
      probe = await readInReadingSystem(probeEpub(epubs['book-grade']), {browser, modes: ['day', 'calibre'], name: 'the probe'})
    })
    const stranded = (what: RegExp) => probe.findings.filter((finding) => what.test(finding.element)).map(describeFinding)

    test('the probe reads: one page for each height, for each kind', () => {
      const pages = probe.documents[0]!.pages
      assert.ok(pages.day! >= 3 * heights.length && pages.calibre! >= 3 * heights.length, JSON.stringify(pages))
    })

    test("a table's caption and header row are never left at the foot of a page without its rows", () => {
      assert.deepEqual(stranded(/caption|thead|tr/), [])
    })

    test("a figure's image never ends a page with its caption on the next", () => {
      assert.deepEqual(stranded(/figure|img/), [])
    })

    test('a heading never ends a page with its text on the next', () => {
      assert.deepEqual(stranded(/^h\d/), [])
    })
  })
})

/** From 250 to 650 CSS pixels down the page, every 10. */
const heights = Array.from({length: 41}, (_, index) => 250 + index * 10)

/**
 * The book-grade EPUB with one spine document: its first table, first
 * figure and a heading with its paragraph, in Folio's markup and
 * stylesheet, each set after a spacer of every height on a page of its own.
 */
function probeEpub(epub: Uint8Array): Uint8Array {
  const files = unzipSync(epub)
  const findings = strFromU8(files['EPUB/text/findings.xhtml']!)
  const context = strFromU8(files['EPUB/text/context.xhtml']!)
  const table = /<table[\s\S]*?<\/table>/.exec(findings)![0]
  const figure = /<figure[\s\S]*?<\/figure>/.exec(findings)![0]
  const heading = /<h2 id="what-came-before">[\s\S]*?<\/p>/.exec(context)![0]
  const sections = [table, figure, heading].flatMap((part) =>
    heights.map((height) => `<section style="break-before: column"><div style="height: ${height}px"></div>${part.replace(/ id="[^"]*"/g, '')}</section>`)
  )
  files['EPUB/text/probe.xhtml'] = strToU8(findings.replace(/<body[\s\S]*<\/body>/, `<body>${sections.join('\n')}</body>`))
  files['EPUB/probe.opf'] = strToU8(
    strFromU8(files['EPUB/package.opf']!)
      .replace(/<manifest>/, '<manifest><item id="probe" href="text/probe.xhtml" media-type="application/xhtml+xml"/>')
      .replace(/<spine([^>]*)>[\s\S]*<\/spine>/, '<spine$1><itemref idref="probe"/></spine>')
  )
  files['META-INF/container.xml'] = strToU8(strFromU8(files['META-INF/container.xml']!).replace('EPUB/package.opf', 'EPUB/probe.opf'))
  return zipSync(files)
}
