/**
 * The PDF edition, with the real Chromium and the real poppler tools.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {inflateSync} from 'node:zlib'
import {before, describe, test} from 'node:test'
import {PDFDict, PDFDocument, PDFHexString, PDFName, PDFString} from 'pdf-lib'
import {comparable, comparablePlaces} from '../build/check/fidelity.ts'
import {readPdf} from '../build/check/pdf-text.ts'
import {pageSizes} from '../build/document/page-sizes.ts'
import {compareWords} from '../build/check/word-fidelity.ts'
import {pinStructureIds} from '../build/editions/pdf/finish.ts'
import {deflateKept} from '../build/editions/pdf/content-stream.ts'
import {fixtures, folio, pdfText, plainQuotes, projectRoot, runFolio, scratchFolder, seedParagraphs, tool, type Run} from './harness.ts'

interface OutlineItem {
  title: string
  children: OutlineItem[]
}

function outline(pdf: PDFDocument): OutlineItem[] {
  const read = (first: PDFDict | undefined): OutlineItem[] => {
    const items: OutlineItem[] = []
    for (let item = first; item; item = item.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      items.push({
        title: item.lookupMaybe(PDFName.of('Title'), PDFString, PDFHexString)?.decodeText() ?? '',
        children: read(item.lookupMaybe(PDFName.of('First'), PDFDict))
      })
    }
    return items
  }
  return read(pdf.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)?.lookupMaybe(PDFName.of('First'), PDFDict))
}

describe('the brief as a PDF', () => {
  const out = scratchFolder('pdf')
  const file = path.join(out, 'winning-the-peace-in-ukraine.pdf')
  let build: Run
  let pdf: PDFDocument
  let info: string
  before(async () => {
    build = await folio(['build', '--format', 'pdf', '--out', out], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    assert.equal(build.code, 0, build.stderr)
    pdf = await PDFDocument.load(readFileSync(file), {updateMetadata: false})
    info = await tool('pdfinfo', [file])
  })

  test('in Folio\'s own theme, is set line for line as recorded', async () => {
    // pdftotext of the brief as last looked at, page by page: the same four pages, the same lines. A change to the
    // typesetting changes this file too, on purpose (pdftotext output/winning-the-peace-in-ukraine.pdf).
    const before = readFileSync(path.join(fixtures, 'brief-lines', 'pdftotext.txt'), 'utf8')
    assert.equal(await tool('pdftotext', [file, '-']), before)
  })

  test('is tagged, titled, A4, with the manuscript\'s metadata and no invented author', () => {
    assert.match(info, /^Tagged: +yes$/m)
    assert.match(info, /^Title: +Winning the Peace in Ukraine$/m)
    assert.match(info, /^Subject: +A policy brief arguing/m)
    assert.match(info, /^Keywords: +Ukraine, Russia, NATO, Security guarantees/m)
    assert.doesNotMatch(info, /^Author:/m)
    assert.match(info, /^Page size: +59\d(\.\d+)? x 84\d(\.\d+)? pts \(A4\)$/m)
    assert.match(info, /^CreationDate: +Tue Nov 14 22:13:20 2023 UTC$/m)
  })

  test('the catalog has /Lang and DisplayDocTitle', () => {
    assert.equal(pdf.catalog.lookup(PDFName.of('Lang'), PDFString).decodeText(), 'en')
    const preferences = pdf.catalog.lookup(PDFName.of('ViewerPreferences'), PDFDict)
    assert.equal(String(preferences.get(PDFName.of('DisplayDocTitle'))), 'true')
  })

  test('every font is embedded and none is Type 3', async () => {
    const fonts = (await tool('pdffonts', [file])).split('\n').slice(2).filter(Boolean)
    assert.ok(fonts.length >= 2)
    for (const font of fonts) {
      assert.doesNotMatch(font, /Type 3/, font)
      assert.match(font, /^\S+\s+.*\s+yes\s+yes\s+yes\s+\d+\s+\d+$/, `embedded, subset, with Unicode: ${font}`)
      assert.match(font, /Source(Serif4|Sans3|CodePro)/, `a shipped font, not a host font: ${font}`)
    }
  })

  test('the bookmark is exactly the heading', () => {
    assert.deepEqual(outline(pdf), [{title: 'What are the implications for the United States in the near term?', children: []}])
  })

  test('every page after the first shows its number, the first none', async () => {
    const pages = pdf.getPageCount()
    assert.ok(pages >= 2)
    for (let page = 1; page <= pages; page++) {
      const text = await tool('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-'])
      const lines = text.split('\n').map((line) => line.trim()).filter(Boolean)
      if (page === 1) {
        assert.ok(!lines.includes('1'), 'no folio on the first page')
        assert.equal(lines[0], 'Winning the Peace in Ukraine', 'no running head on the first page: the title block comes first')
      } else {
        assert.equal(lines.at(-1), String(page), `folio on page ${page}`)
        assert.equal(lines[0], 'Winning the Peace in Ukraine', `running head on page ${page}`)
      }
    }
  })

  test('pdftotext gives back every paragraph of the seed, in order, word for word', async () => {
    // Without the running heads and folios: poppler as folio check reads it.
    const poppler = (await readPdf(new Uint8Array(readFileSync(file)), pageSizes.a4!, false)).readings.find((reading) => reading.tool === 'poppler')!
    // The seed writes some apostrophes straight: quotes made one (the PDF's own are checked in pdf-text.test.ts).
    const quotes = (text: string) => text.replace(/[’‘]/g, "'").replace(/[“”]/g, '"')
    const text = quotes(poppler.text.normalize('NFC'))
    const {key, places} = comparablePlaces(text)
    let from = 0
    for (const paragraph of seedParagraphs().map(quotes)) {
      const at = key.indexOf(comparable(paragraph), from)
      assert.notEqual(at, -1, `missing or out of order: ${paragraph.slice(0, 60)}…`)
      from = at + 1
      const fault = compareWords(paragraph, text.slice(places[at]!, places[at + comparable(paragraph).length - 1]! + 1))
      assert.equal(fault, undefined, `${fault?.word} reads ${fault?.read}`)
    }
  })

  test('the text is hyphenated, with only the hyphens drawn at line ends in its text; the heading is not', async () => {
    const text = await tool('pdftotext', ['-layout', file, '-'])
    assert.doesNotMatch(text, /[\u00AD\u200B-\u200D\u2060]/)
    const breaks = [...text.matchAll(/(\p{L}+)-\n\s*(\p{L}+)/gu)].filter(([, before, after]) => !seedParagraphs().join(' ').includes(`${before}-${after}`))
    assert.ok(breaks.length >= 5, `${breaks.length} words hyphenated at a line's end`)
    assert.ok(text.includes('What are the implications for the United States in the near term?'))
  })

  test('two builds with the same SOURCE_DATE_EPOCH are byte-identical', async () => {
    const again = scratchFolder('pdf-again')
    const second = await folio(['build', '--format', 'pdf', '--out', again], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    assert.equal(second.code, 0, second.stderr)
    assert.deepEqual(readFileSync(path.join(again, 'winning-the-peace-in-ukraine.pdf')), readFileSync(file))
  })

  test('rebuilt after a one-word edit in the process that built it, it is the PDF a new process builds of the edited text', async () => {
    // What a watch rebuild does: the line breaks and the deflated streams this process keeps from the build above are found again.
    const folder = scratchFolder('pdf-edited')
    const manuscript = readFileSync(path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'), 'utf8')
    const edited = manuscript.replace('Like it or not, America', 'Like it or not, and whatever one thinks of it, America')
    assert.notEqual(edited, manuscript)
    writeFileSync(path.join(folder, 'brief.md'), edited)
    const env = {SOURCE_DATE_EPOCH: '1700000000'}
    const inProcess = await folio(['build', 'brief.md', '--format', 'pdf', '--out', 'kept'], {cwd: folder, env})
    assert.equal(inProcess.code, 0, inProcess.stderr)
    const fresh = await runFolio(['build', 'brief.md', '--format', 'pdf', '--out', 'fresh'], {cwd: folder, env})
    assert.equal(fresh.code, 0, fresh.stderr)
    const kept = readFileSync(path.join(folder, 'kept', 'brief.pdf'))
    assert.notDeepEqual(kept, readFileSync(file), 'the edit changed the PDF')
    assert.deepEqual(kept, readFileSync(path.join(folder, 'fresh', 'brief.pdf')))
  })
})

describe('a work of chapters as a PDF', () => {
  test('gets a table of contents with the right page numbers, and a nested outline', async () => {
    const out = scratchFolder('pdf-book')
    const build = await folio(['build', path.join(fixtures, 'book-natural-order'), '--format', 'pdf', '--out', out])
    assert.equal(build.code, 0, build.stderr)
    const file = path.join(out, 'book-natural-order.pdf')
    const first = await tool('pdftotext', ['-f', '1', '-l', '1', '-layout', file, '-'])
    const toc = first.split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).filter((line) => /\d$/.test(line))
    // Leaders of dots between the titles and their pages.
    assert.ok(toc.every((line) => / (\. ){10,}\d+$/.test(line)), toc.join('\n'))
    assert.deepEqual(toc.map((line) => line.replace(/( \.)+ /, ' ')), ['Beginnings 2', 'Details 2', 'Middle 3', 'Details 3', 'The End 4'])
    for (const [title, page] of [['Beginnings', 2], ['Middle', 3], ['The End', 4]] as const) {
      const text = await tool('pdftotext', ['-f', String(page), '-l', String(page), file, '-'])
      assert.ok(text.includes(title), `${title} is on page ${page}`)
    }
    const pdf = await PDFDocument.load(readFileSync(file), {updateMetadata: false})
    assert.deepEqual(outline(pdf), [
      {title: 'Beginnings', children: [{title: 'Details', children: []}]},
      {title: 'Middle', children: [{title: 'Details', children: []}]},
      {title: 'The End', children: []}
    ])
    assert.match(await tool('pdfinfo', [file]), /^Author: +A\. Writer$/m)
    // Notes are endnotes with links both ways (docs/decisions/0003).
    const destinations = pdf.catalog.lookup(PDFName.of('Dests'), PDFDict).keys().map(String)
    for (const id of ['fn-1', 'fnref-1', 'fn-1-1', 'fnref-1-1']) assert.ok(destinations.includes(`/${id}`), `a link goes to #${id}`)
  })
})

describe('links', () => {
  test('external links stay clickable; notes link both ways', async () => {
    const out = scratchFolder('pdf-links')
    const build = await folio(['build', path.join(fixtures, 'footnotes-and-tables', 'input.md'), '--format', 'pdf', '--out', out])
    assert.equal(build.code, 0, build.stderr)
    const pdf = await PDFDocument.load(readFileSync(path.join(out, 'input.pdf')), {updateMetadata: false})
    const uris: string[] = []
    let internal = 0
    for (const page of pdf.getPages()) {
      const annotations = page.node.Annots()
      for (let index = 0; index < (annotations?.size() ?? 0); index++) {
        const annotation = annotations!.lookup(index, PDFDict)
        const action = annotation.lookupMaybe(PDFName.of('A'), PDFDict)
        const uri = action?.lookupMaybe(PDFName.of('URI'), PDFString)
        if (uri) uris.push(uri.decodeText())
        else if (annotation.get(PDFName.of('Dest'))) internal++
      }
    }
    assert.deepEqual(uris, ['https://example.org/report'])
    assert.equal(internal, 4, 'two calls to their notes, two notes back to their calls')
  })
})

describe('a long work as a PDF', () => {
  test('no heading is stranded at a page foot, and the last page is not blank', async () => {
    const project = scratchFolder('pdf-long')
    const paragraphs = seedParagraphs().slice(2)
    const headings: string[] = []
    const parts = Array.from({length: 4}, (_, part) =>
      paragraphs
        .map((paragraph, index) => {
          if (index % 2 !== 0) return paragraph
          const heading = `Section ${part + 1}.${index}: a heading long enough to wrap onto a second line at this size`
          headings.push(heading)
          return `## ${heading}\n\n${paragraph}`
        })
        .join('\n\n')
    )
    writeFileSync(path.join(project, 'long.md'), `---\ntitle: Long\nlang: en\npage-size: 5.5x8.5in\n---\n\n${parts.join('\n\n')}\n`)
    const build = await folio(['build', 'long.md', '--format', 'pdf', '--out', 'out'], {cwd: project})
    assert.equal(build.code, 0, build.stderr)
    const file = path.join(project, 'out', 'long.pdf')
    const pages = Number(/^Pages: +(\d+)$/m.exec(await tool('pdfinfo', [file]))![1])
    assert.ok(pages > 10)
    let inText = false
    for (let page = 2; page <= pages; page++) {
      const lines = (await tool('pdftotext', ['-f', String(page), '-l', String(page), '-layout', file, '-']))
        .split('\n')
        .map((line) => line.replace(/\u00AD/g, '').trim())
        .filter(Boolean)
        .slice(1, -1) // the running head and the folio
      inText ||= lines.some((line) => line.startsWith('Section 1.0'))
      if (!inText) continue // the table of contents
      assert.ok(lines.length > 0, `page ${page} is blank`)
      // A wrapped heading ends the page with its last line: any part of a heading counts.
      const last = lines.at(-1)!.replace(/\s+/g, ' ')
      assert.ok(!headings.some((heading) => heading.includes(last)), `page ${page} ends with a heading: ${last}`)
    }
    assert.ok(inText)
  })
})

describe('page sizes and the print-ready variant', () => {
  test('--page-size letter', async () => {
    const out = scratchFolder('pdf-letter')
    const build = await folio(['build', '--format', 'pdf', '--page-size', 'letter', '--out', out])
    assert.equal(build.code, 0, build.stderr)
    assert.match(await tool('pdfinfo', [path.join(out, 'winning-the-peace-in-ukraine.pdf')]), /^Page size: +612 x 792 pts \(letter\)$/m)
  })

  test('page-size in the front matter; pdf-print adds 3 mm of bleed with TrimBox and BleedBox', async () => {
    const project = scratchFolder('pdf-print')
    writeFileSync(path.join(project, 'book.md'), `---\ntitle: A Small Book\nlang: en\npage-size: 6x9in\n---\n\n${'A paragraph of text for the page. '.repeat(40)}\n`)
    const build = await folio(['build', 'book.md', '--format', 'pdf,pdf-print', '--out', 'out'], {cwd: project})
    assert.equal(build.code, 0, build.stderr)
    const plain = await tool('pdfinfo', ['-box', path.join(project, 'out', 'book.pdf')])
    assert.match(plain, /^Page size: +432 x 648 pts$/m)
    const print = await tool('pdfinfo', ['-box', path.join(project, 'out', 'book.print.pdf')])
    // 6 x 9 in plus 3 mm on each side: 449.0 x 665.0 pt; the trim 8.5 pt in.
    assert.match(print, /^Page size: +449\.0\d x 665\.0\d pts$/m)
    assert.match(print, /^TrimBox: +8\.50 +8\.50 +440\.5\d +656\.5\d$/m)
    assert.match(print, /^BleedBox: +0\.00 +0\.00 +449\.0\d +665\.0\d$/m)
  })
})

describe('nothing outside the work reaches the PDF', () => {
  test('an iframe to a local file and an image at file:///etc/passwd are left out', async () => {
    const project = scratchFolder('pdf-hostile')
    mkdirSync(path.join(project, 'work'))
    writeFileSync(path.join(project, 'secret.txt'), 'OUTSIDE-SECRET-91c2')
    writeFileSync(
      path.join(project, 'work', 'hostile.md'),
      '---\ntitle: Hostile\nlang: en\n---\n\n<iframe src="file:///etc/passwd"></iframe>\n\n<iframe src="../secret.txt">fallback</iframe>\n\n![Passwords](file:///etc/passwd)\n\n<object data="../secret.txt">Object</object>\n\nThe end.\n'
    )
    const build = await folio(['build', 'work/hostile.md', '--format', 'pdf', '--out', 'out'], {cwd: project})
    assert.equal(build.code, 0, build.stderr)
    const file = path.join(project, 'out', 'hostile.pdf')
    const text = await tool('pdftotext', [file, '-'])
    assert.ok(text.includes('The end.'))
    assert.ok(!text.includes('root:x:0:0') && !text.includes('OUTSIDE-SECRET'))
    assert.equal((await tool('pdfimages', ['-list', file])).split('\n').filter(Boolean).length, 2, 'no images, only the header lines')
    const viewed = (await pdfText(readFileSync(file))).join('\n')
    assert.match(viewed, /The end\./)
    assert.ok(!viewed.includes('OUTSIDE-SECRET') && !viewed.includes('root:x:0:0'), 'pdf.js reads no secret either')
  })
})

describe('without a browser', () => {
  test('the message says how to get one, and nothing is written', async () => {
    const out = scratchFolder('no-browser')
    const build = await runFolio(['build', '--out', out], {env: {PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium'}})
    assert.equal(build.code, 1)
    assert.match(build.stderr, /PUPPETEER_EXECUTABLE_PATH names \/nonexistent\/chromium, which is not an executable file\. On Debian or Ubuntu/)
    assert.deepEqual(readdirSync(out), [])
  })
})

test('table header ids are numbered in the structure tree\'s order, whatever Chromium\'s node numbers were', async () => {
  const document = await PDFDocument.create()
  const context = document.context
  const element = (fields: Record<string, unknown>) => context.register(context.obj({Type: 'StructElem', ...fields} as never))
  // The first header cell in the tree has the larger node number: a sort by number would call it id-2.
  const first = element({S: 'TH', ID: PDFString.of('node00000900')})
  const second = element({S: 'TH', ID: PDFString.of('node00000100')})
  const cell = element({S: 'TD', A: context.obj({O: 'Table', Headers: [PDFString.of('node00000100'), PDFString.of('node00000900')]} as never)})
  const row = element({S: 'TR', K: [first, second, cell]})
  document.catalog.set(PDFName.of('StructTreeRoot'), context.obj({Type: 'StructTreeRoot', K: [row]} as never))
  pinStructureIds(document)
  const idOf = (ref: typeof first) => (context.lookup(ref, PDFDict).get(PDFName.of('ID')) as PDFString).decodeText()
  assert.deepEqual([idOf(first), idOf(second)], ['id-1', 'id-2'])
  const headers = context.lookup(cell, PDFDict).lookup(PDFName.of('A'), PDFDict).lookup(PDFName.of('Headers')) as unknown as {asArray: () => PDFString[]}
  assert.deepEqual(headers.asArray().map((name) => name.decodeText()), ['id-2', 'id-1'])
  const names = document.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict).lookup(PDFName.of('IDTree'), PDFDict).lookup(PDFName.of('Names')) as unknown as {asArray: () => unknown[]}
  assert.deepEqual(names.asArray().filter((entry) => entry instanceof PDFString).map((entry) => (entry as PDFString).decodeText()), ['id-1', 'id-2'])
  assert.equal(names.asArray()[1], first)
})

test('a content stream deflated again is found kept, and inflates to its text', () => {
  const text = Buffer.from('BT /F1 12 Tf (kept) Tj ET\n'.repeat(200), 'latin1')
  const first = deflateKept(text)
  assert.deepEqual(inflateSync(first), text)
  assert.equal(deflateKept(Buffer.from(text)), first, 'the same text: the bytes kept, not deflated again')
  const other = Buffer.from(text.toString('latin1').replace('kept', 'made'), 'latin1')
  assert.deepEqual(inflateSync(deflateKept(other)), other)
})
