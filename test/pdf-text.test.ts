/**
 * The PDF reads as well as it looks: its text as pdf.js, poppler and MuPDF
 * give it, its line breaks as poppler's word boxes show them, and the print
 * conventions of a book. Built in this process with one shared Chromium.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import v8 from 'node:v8'
import {before, describe, test} from 'node:test'
import {toHtml} from 'hast-util-to-html'
import {blocksOf, checkFidelity} from '../build/check/fidelity.ts'
import {readPdf} from '../build/check/pdf-text.ts'
import type {Document} from '../build/document/document.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {editionSettings} from '../build/pipeline/settings.ts'
import {pageSizes} from '../build/document/page-sizes.ts'
import {buildPdfEdition, printableTree} from '../build/editions/pdf/index.ts'
import {forgetPlans, printWidth, settleLineBreaks, type LinesSet} from '../build/editions/pdf/line-breaking.ts'
import {forgetKeptPlans, keptPlansFile} from '../build/editions/pdf/line-plans-kept.ts'
import {forgetKeptStreams, keptStreamsFile} from '../build/editions/pdf/streams-kept.ts'
import {cacheWritesSettled} from '../build/write-whole.ts'
import {printPage} from '../build/editions/pdf/print-page.ts'
import {forgetTextLayer, readTextLayerAhead, repairTextLayer, type StreamScan} from '../build/editions/pdf/text-layer.ts'
import {forgetDeflated} from '../build/editions/pdf/content-stream.ts'
import {PDFDocument} from 'pdf-lib'
import {fontSite} from '../build/editions/fonts.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {browser, fixtures, projectRoot, scratchFolder, seedParagraphs, tool} from './harness.ts'
import {measureLineBreaks, summarize, wordBoxes} from './line-breaks.ts'

const brief = path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md')
const bookGrade = path.join(fixtures, 'book-grade')

async function documentOf(work: string, cwd = projectRoot): Promise<Document> {
  const [source] = await findWorks([work], cwd)
  const result = await loadWork(source!)
  assert.ok(result.document, result.files.flatMap((file) => file.messages.map(String)).join('\n'))
  return result.document
}

/** Every Markdown source of a work, as typeset (apostrophes curled): what a hard hyphen is looked up in. */
function sourceText(work: string): string {
  const files = work.endsWith('.md') ? [work] : ['context.md', 'findings.md', 'preface.md', 'about.md'].map((name) => path.join(work, name))
  return files.map((file) => readFileSync(file, 'utf8')).join('\n').replace(/'/g, '’')
}

interface Built {
  name: string
  document: Document
  pageSize: string
  bytes: Uint8Array
  file: string
}

describe('the PDF reads as well as it looks', () => {
  const out = scratchFolder('pdf-text')
  const built: Built[] = []
  const build = async (name: string, document: Document, pageSize: string): Promise<Built> => {
    const bytes = await buildPdfEdition({document, browser, settings: editionSettings(document, {pageSize, sourceDateEpoch: 1700000000})})
    const file = path.join(out, `${name}.pdf`)
    writeFileSync(file, bytes)
    return {name, document, pageSize, bytes, file}
  }
  // Each PDF read once by the three tools, for every test that reads it.
  const readings = new Map<Built, ReturnType<typeof readPdf>>()
  const read = (item: Built) => {
    if (!readings.has(item)) readings.set(item, readPdf(item.bytes, pageSizes[item.pageSize]!, false))
    return readings.get(item)!
  }
  before(async () => {
    const briefDocument = await documentOf(brief)
    for (const size of ['a4', 'letter', '6x9in']) built.push(await build(`brief-${size}`, briefDocument, size))
    built.push(await build('book-grade', await documentOf(bookGrade), '6x9in'))
  })

  test('pdf.js, poppler and MuPDF give back every paragraph word for word: no soft hyphen, zero-width character or U+02BC for U+2019', async () => {
    for (const item of built) {
      const {name, document} = item
      const {readings, missing} = await read(item)
      assert.deepEqual(missing, [], 'poppler and MuPDF are installed')
      for (const reading of readings) {
        const result = checkFidelity('pdf', blocksOf(document), reading.text, {cwd: projectRoot, tool: reading.tool, words: true})
        assert.equal(result.status, 'pass', `${name}, ${reading.tool}: ${result.problems.join('\n')}`)
        assert.doesNotMatch(reading.text, /[\u00AD\u200B-\u200D\u2060\u0000\uFFFD]/u, `${name}, ${reading.tool}`)
        // U+02BC only where the manuscript has it: the Ukrainian word of the book.
        assert.deepEqual(reading.text.match(/\S*\u02BC\S*/gu) ?? [], name === 'book-grade' ? ['памʼять;'] : [], `${name}, ${reading.tool}`)
      }
    }
  })

  test('the first line of the brief reads as printed, in pdf.js and in poppler', async () => {
    const a4 = built.find((item) => item.name === 'brief-a4')!
    const [pdfjs, poppler] = (await read(a4)).readings
    const first = (text: string) => text.split('\n').find((line) => line.startsWith('Over the past year'))
    assert.equal(first(pdfjs!.text), 'Over the past year, much of America’s political and policy debate on the war in')
    assert.equal(first(poppler!.text), 'Over the past year, much of America’s political and policy debate on the war in')
    // Searching finds the words: every "America" of the brief, also where a line breaks it.
    const whole = (await tool('pdftotext', [a4.file, '-'])).replace(/-\n/g, '')
    assert.equal(whole.match(/America/g)?.length, readFileSync(brief, 'utf8').match(/America/g)?.length)
  })

  test('line breaks a typesetter signs off: no ladder, short fragment or broken capital word; at most one loose line in four pages', async () => {
    for (const {name, file} of built) {
      const report = measureLineBreaks(await wordBoxes(file), {source: sourceText(name === 'book-grade' ? bookGrade : brief)})
      const summary = `${name}: ${summarize(report)}`
      assert.ok(report.hyphenated.some((end) => !end.hard) || name === 'book-grade', `hyphenated at all: ${summary}`)
      assert.equal(report.ladders.length, 0, summary)
      assert.equal(report.shortFragments.length, 0, summary)
      assert.equal(report.brokenCapitals.length, 0, summary)
      assert.ok(report.loose.length <= Math.max(1, Math.floor(report.pages / 4)), summary)
    }
  })

  /** The brief's print page as Chromium prints it, with every soft hyphen and no repair: the PDFs Folio wrote before. */
  const rawPrint = async (): Promise<{document: Document; raw: Uint8Array}> => {
    const document = await documentOf(brief)
    const chapters = document.chapters.map((chapter) => printableTree(chapter.tree, document.metadata.lang))
    const html = toHtml(printPage({document, chapters, pageSize: pageSizes.a4!, printReady: false}))
    const site = (pathname: string) => (pathname === '/index.html' ? {contentType: 'text/html', body: html} : fontSite(document.theme)(pathname))
    const raw = new Uint8Array(await browser.run({site, description: 'printing raw'}, (page) => page.pdf({preferCSSPageSize: true, tagged: true})))
    return {document, raw}
  }

  test('Chromium\'s own text layer fails the check, at the word\'s place in the manuscript', async () => {
    const {document, raw} = await rawPrint()
    const {readings} = await readPdf(raw, pageSizes.a4!, false)
    const line = readFileSync(brief, 'utf8').split('\n').findIndex((text) => text.startsWith('Over the past year')) + 1
    const problems = readings.map((reading) => checkFidelity('pdf', blocksOf(document), reading.text, {cwd: projectRoot, tool: reading.tool, words: true}).problems[0])
    assert.match(problems[0]!, new RegExp(`:${line}:29  Word altered in the pdf edition's text \\(pdf\\.js\\): “America’s” reads “Americaʼs”$`))
    assert.match(problems[1]!, new RegExp(`:${line}:29  Word altered in the pdf edition's text \\(poppler\\): “America’s” reads “Amer<U\\+00AD>`))
    assert.match(problems[2]!, new RegExp(`:${line}:29  Word split in the pdf edition's text \\(MuPDF\\): “America’s” reads “Amer ica`))
  })

  test('a text layer read while the front pages print is repaired as one read at the end', async () => {
    const {raw} = await rawPrint()
    const repaired = async (how: 'ahead' | 'at the end' | 'read before') => {
      // Nothing read or deflated before, as in a new process; or, read before, each stream's text is inflated again for its edits.
      if (how === 'read before') forgetDeflated()
      else forgetTextLayer()
      const pdf = await PDFDocument.load(raw, {updateMetadata: false})
      if (how === 'ahead') readTextLayerAhead(pdf)
      await repairTextLayer(pdf)
      return Buffer.from(await pdf.save({useObjectStreams: false}))
    }
    const atTheEnd = await repaired('at the end')
    const readBefore = await repaired('read before')
    const ahead = await repaired('ahead')
    const plain = Buffer.from(await (await PDFDocument.load(raw, {updateMetadata: false})).save({useObjectStreams: false}))
    assert.ok(!readBefore.equals(plain), 'the repair changed the print')
    assert.ok(atTheEnd.equals(readBefore), 'read at the end, the same PDF as from texts inflated for the edits')
    assert.ok(ahead.equals(readBefore), 'read ahead, the same PDF')
  })

  test('the print page loads unshown on the screen, its faces with it; its lines are set the same when the list of faces misses', async () => {
    const document = await documentOf(brief)
    const chapters = document.chapters.map((chapter) => printableTree(chapter.tree, document.metadata.lang))
    const listed = toHtml(printPage({document, chapters, pageSize: pageSizes.a4!, printReady: false}))
    const preloads = [...listed.matchAll(/<link rel="preload" href="([^"]+)"/g)].map((match) => match[1]!).sort()
    assert.ok(preloads.some((file) => file.includes('source-serif-4-latin-400-normal')), preloads.join(', '))
    // As when the list of faces misses every one: no preload, nothing to load before the layout.
    const missed = listed.replace(/<link rel="preload"[^>]*>/g, '').replace(/ data-faces="[^"]*"/, '')
    const setLines = (html: string) => {
      const fonts: string[] = []
      const site = (pathname: string) => {
        if (pathname === '/index.html') return {contentType: 'text/html', body: html}
        fonts.push(pathname)
        return fontSite(document.theme)(pathname)
      }
      return browser.run({site, description: 'setting the lines'}, async (page) => {
        const atLoad = {fonts: [...fonts].sort(), display: await page.evaluate('getComputedStyle(document.documentElement).display')}
        const settings = await settleLineBreaks(page, printWidth(pageSizes.a4!, false))
        return {atLoad, settings}
      })
    }
    const [early, late] = [await setLines(listed), await setLines(missed)]
    for (const run of [early, late]) assert.equal(run.atLoad.display, 'none', 'not laid out for the screen while it loads')
    assert.deepEqual(early.atLoad.fonts, preloads, 'the listed faces come with the page')
    assert.deepEqual(late.atLoad.fonts, [], 'unlisted, no face comes before a layout asks for it')
    // Measured with fallback faces, the paragraphs would be set otherwise.
    assert.ok(early.settings.length > 0)
    assert.deepEqual(late.settings, early.settings)
  })

  test('a rebuild lays out and checks only the paragraphs it has not seen followed, in the same style sheets and with nothing floating', async () => {
    const document = await documentOf(brief)
    const chapters = document.chapters.map((chapter) => printableTree(chapter.tree, document.metadata.lang))
    const html = toHtml(printPage({document, chapters, pageSize: pageSizes.a4!, printReady: false}))
    // A head of its own: nothing this process set before counts as seen.
    const styled = (comment: string) => html.replace('</head>', `<style>/* ${comment} ${process.hrtime.bigint()} */</style></head>`)
    const setLines = (page: string) =>
      browser.run({site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html', body: page} : fontSite(document.theme)(pathname)), description: 'setting the lines'}, async (tab) => {
        let figures: LinesSet | undefined
        const settings = await settleLineBreaks(tab, printWidth(pageSizes.a4!, false), {onSet: (set) => void (figures = set)})
        return {settings, figures: figures!}
      })
    const first = styled('first')
    const fresh = await setLines(first)
    assert.ok(fresh.figures.planned > 10 && fresh.figures.failed === 0, JSON.stringify(fresh.figures))
    assert.deepEqual([fresh.figures.followedBefore, fresh.figures.checked], [0, fresh.figures.planned])
    const again = await setLines(first)
    assert.deepEqual([again.figures.followedBefore, again.figures.checked], [fresh.figures.planned, 0], 'seen followed: not laid out again')
    assert.deepEqual(again.settings.toSorted((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), fresh.settings.toSorted((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))))
    // After the text, where it narrows no line: still, a float could narrow any.
    const floating = await setLines(first.replace('</main>', '<div style="float: right; width: 40px; height: 40px"></div></main>'))
    assert.equal(floating.figures.checked, fresh.figures.planned, 'something floats: every paragraph checked')
    const restyled = await setLines(styled('second'))
    assert.equal(restyled.figures.checked, fresh.figures.planned, 'other style sheets: every paragraph checked')
  })

  test('a rebuild measures only the paragraphs it has not measured, in the same style sheets with the same faces', async () => {
    const document = await documentOf(brief)
    const chapters = document.chapters.map((chapter) => printableTree(chapter.tree, document.metadata.lang))
    const html = toHtml(printPage({document, chapters, pageSize: pageSizes.a4!, printReady: false})).replace('</head>', `<style>/* measured ${process.hrtime.bigint()} */</style></head>`)
    const setLines = (page: string, faces: string) =>
      browser.run({site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html', body: page} : fontSite(document.theme)(pathname)), description: 'setting the lines'}, async (tab) => {
        let figures: LinesSet | undefined
        const settings = await settleLineBreaks(tab, printWidth(pageSizes.a4!, false), {onSet: (set) => void (figures = set), faces: () => faces})
        return {settings: settings.toSorted((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), figures: figures!}
      })
    const fresh = await setLines(html, 'faces a')
    assert.ok(fresh.figures.paragraphs > 10 && fresh.figures.measured === fresh.figures.paragraphs, JSON.stringify(fresh.figures))
    const again = await setLines(html, 'faces a')
    assert.equal(again.figures.measured, 0, 'measured before: not measured again')
    assert.deepEqual(again.settings, fresh.settings)
    // One paragraph's text changed: that one is measured, and the lines are set as a process that measures every one sets them.
    const edited = html.replace('Like it or not,', 'Like it or not, and whatever one thinks of it,')
    assert.notEqual(edited, html)
    const rebuilt = await setLines(edited, 'faces a')
    assert.equal(rebuilt.figures.measured, 1)
    forgetPlans()
    const measuredAll = await setLines(edited, 'faces a')
    assert.equal(measuredAll.figures.measured, measuredAll.figures.paragraphs)
    assert.deepEqual(rebuilt.settings, measuredAll.settings)
    // Other faces (a font file changed under the same name): every paragraph measured again.
    assert.equal((await setLines(edited, 'faces b')).figures.measured, measuredAll.figures.paragraphs)
  })

  test('a build keeps its line plans for the next process, which prints the same PDF from them; a kept file that does not read whole is not used', async () => {
    const folder = scratchFolder('kept-plans')
    writeFileSync(path.join(folder, 'brief.md'), readFileSync(brief, 'utf8'))
    const document = await documentOf(path.join(folder, 'brief.md'), folder)
    const settings = editionSettings(document, {sourceDateEpoch: 1700000000})
    const file = keptPlansFile(await browser.identity(), `${document.root}\n${document.slug}\npdf`)
    const streamsFile = keptStreamsFile(await browser.identity(), `${document.root}\n${document.slug}\npdf`)
    const print = async () => {
      // As a new process: nothing kept in memory.
      forgetKeptPlans()
      forgetKeptStreams()
      forgetTextLayer()
      const bytes = await buildPdfEdition({document, browser, settings})
      await cacheWritesSettled()
      return bytes
    }
    rmSync(file, {force: true})
    rmSync(streamsFile, {force: true})
    const fresh = await print()
    // The text layer's streams are kept too, and trusted: a stream said to be another is put in its place.
    const layer = v8.deserialize(readFileSync(streamsFile)) as {streams: Map<string, Uint8Array>; scans: Map<string, StreamScan>; scanCode: string}
    const {streams, scans} = layer
    assert.ok(streams.size >= 2, `${streams.size} streams kept`)
    const pages = (await PDFDocument.load(fresh)).getPageCount()
    assert.ok(scans.size >= pages, `${scans.size} streams' scans kept for ${pages} pages`)
    assert.deepEqual(await print(), fresh, 'finished with the kept streams and scans: the same PDF')
    const [first, second] = [...streams.keys()]
    writeFileSync(streamsFile, v8.serialize({...layer, streams: new Map([...streams, [first!, streams.get(second!)!]])}))
    assert.notDeepEqual(await print(), fresh)
    // The scans are trusted too, when the code that made them is this one: a page said to have no spans is not repaired.
    const spanned = [...scans].filter(([, scanned]) => scanned.spans.length > 0).map(([name, scanned]): [string, StreamScan] => [name, {...scanned, spans: []}])
    assert.ok(spanned.length > 0)
    const unspanned = new Map([...scans, ...spanned])
    writeFileSync(streamsFile, v8.serialize({...layer, scans: unspanned}))
    assert.notDeepEqual(await print(), fresh, 'the kept scans used')
    writeFileSync(streamsFile, v8.serialize({...layer, scans: unspanned, scanCode: 'another'}))
    assert.deepEqual(await print(), fresh, 'scans of other code: the pages read again')
    writeFileSync(streamsFile, readFileSync(streamsFile).subarray(0, 100))
    assert.deepEqual(await print(), fresh, 'a file cut short: the streams deflated again')
    const kept = JSON.parse(readFileSync(file, 'utf8')) as {
      plans: Array<[string, {breaks: number[] | null; followed?: {followed: boolean}}]>
      measures: Array<[string, {measured: {digest: string}}]>
    }
    assert.ok(kept.plans.length > 10 && kept.plans.every(([, plan]) => plan.breaks && plan.followed?.followed === true), `${kept.plans.length} plans`)
    assert.ok(kept.measures.length >= kept.plans.length, `${kept.measures.length} paragraphs measured`)
    assert.deepEqual(await print(), fresh, 'set from the kept plans and measures: the same PDF')
    // The next process measures nothing it finds kept: told that no paragraph can be planned (no digest of its measures), it plans none.
    writeFileSync(file, JSON.stringify({...kept, measures: kept.measures.map(([key, before]) => [key, {...before, measured: {...before.measured, digest: ''}}])}))
    assert.notDeepEqual(await print(), fresh)
    // The next process trusts what the file says: told that Chromium followed none, it leaves every paragraph to Chromium.
    writeFileSync(file, JSON.stringify({...kept, plans: kept.plans.map(([key, plan]) => [key, {...plan, followed: {...plan.followed, followed: false}}])}))
    assert.notDeepEqual(await print(), fresh)
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200))
    assert.deepEqual(await print(), fresh, 'a file cut short: the plans found again')
  })

  test('ligatures keep their letters, where a soft hyphen falls inside them too', async () => {
    const folder = scratchFolder('ligatures')
    writeFileSync(
      path.join(folder, 'ligatures.md'),
      '---\ntitle: Ligatures\nlang: en\n---\n\nThe sufficient office will baffle the affluent; efficient officials offer waffles, effluent and shuffled truffles. *Sufficient officials baffle.*\n'
    )
    const document = await documentOf(path.join(folder, 'ligatures.md'), folder)
    const {bytes} = await build('ligatures', document, 'a4')
    for (const reading of (await readPdf(bytes, pageSizes.a4!, false)).readings) {
      const words = reading.text.replace(/-\n/g, '').split(/\s+/)
      for (const word of ['sufficient', 'office', 'baffle', 'affluent;', 'efficient', 'officials', 'offer', 'waffles,', 'effluent', 'shuffled', 'truffles.', 'Sufficient']) {
        assert.ok(words.includes(word), `${reading.tool} reads ${word}: ${reading.text}`)
      }
    }
  })

  test('book sizes: no head on an opening page, the book on versos and the chapter on rectos; dot leaders; plain notes; SVG text in house fonts', async () => {
    const folder = scratchFolder('book-heads')
    const filler = seedParagraphs().slice(2, 14).join('\n\n')
    mkdirSync(path.join(folder, 'book'))
    writeFileSync(path.join(folder, 'book', 'book.yaml'), 'title: The Book\nlang: en\npublisher: A Press\npage-size: 6x9in\nchapters:\n  - one.md\n  - two.md\n')
    writeFileSync(path.join(folder, 'book', 'one.md'), `# First Chapter\n\n${filler}[^1]\n\n[^1]: A note.\n`)
    writeFileSync(path.join(folder, 'book', 'two.md'), `# Second Chapter\n\n${filler}\n`)
    const document = await documentOf(path.join(folder, 'book'), folder)
    const {file} = await build('book-heads', document, '6x9in')
    const pages = (await tool('pdftotext', ['-layout', file, '-'])).split('\f').slice(0, -1)
    const head = (page: string) => page.split('\n').find((line) => line.trim() !== '')?.trim() ?? ''
    const opens = (title: string) => pages.findIndex((page) => head(page) === title) + 1
    const [first, second] = [opens('First Chapter'), opens('Second Chapter')]
    assert.ok(first > 0 && second > first + 3, `chapters open on pages ${first} and ${second}, with their heading first`)
    for (let number = first + 1; number < second; number++) {
      const page = pages[number - 1]!
      if (page.trim() === '') continue
      assert.equal(head(page), number % 2 === 0 ? 'The Book' : 'First Chapter', `page ${number}`)
    }
    // The contents: dots, and the page numbers flush right, one under the other.
    const contents = pages.find((page) => /CONTENTS/.test(page))!
    assert.match(contents, /First Chapter[ .]{20,}\d+/)
    const boxes = await wordBoxes(file)
    const numbers = boxes[pages.indexOf(contents)]!.blocks.flatMap((block) => block.lines).filter((line) => /^\d+$/.test(line.words.at(-1)!.text)).map((line) => line.words.at(-1)!.xMax)
    assert.ok(numbers.length >= 2 && Math.max(...numbers) - Math.min(...numbers) < 0.5, `page numbers end at ${numbers}`)
    // Notes: no arrow back; the note's number links back instead.
    assert.doesNotMatch(pages.join('\n'), /↑/)
    assert.match(pages.join('\n'), /^\s*1\. +A note\.$/m)
    // The book-grade SVG asks for sans-serif: set in Source Sans 3, not a host font.
    const fonts = await tool('pdffonts', [built.find((item) => item.name === 'book-grade')!.file])
    assert.doesNotMatch(fonts, /Liberation|DejaVu/)
  })
})
