/**
 * Hostile and broken manuscripts: each class ends in a clean set of
 * editions (the validators pass, no text lost) or in a non-zero exit with
 * messages naming file and line. The real command, Chromium, EPUBCheck, the
 * Nu checker and poppler.
 */
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, watch, writeFileSync} from 'node:fs'
import {createServer} from 'node:http'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import sharp from 'sharp'
import {epubCheckMany, fixtures, folio, joinHyphenation, nuCheck, projectRoot, runFolio, scratchFolder, tool, visibleText, type Run} from './harness.ts'

/** Every HTML edition built here, for one run of the Nu checker at the end. */
const htmlEditions: string[] = []

/** The text of each edition of a work built into `out`: HTML visible text, EPUB XHTML text, PDF text. */
async function editionTexts(out: string, slug: string): Promise<{html: string; epub: string; pdf: string}> {
  const html = visibleText(readFileSync(path.join(out, `${slug}.html`), 'utf8'))
  const book = unzipSync(readFileSync(path.join(out, `${slug}.epub`)))
  const epub = Object.keys(book)
    .filter((name) => name.startsWith('EPUB/text/'))
    .sort()
    .map((name) => visibleText(strFromU8(book[name]!)))
    .join(' ')
  const pdf = joinHyphenation(await tool('pdftotext', ['-layout', path.join(out, `${slug}.pdf`), '-'])).replace(/\s+/g, ' ')
  return {html, epub, pdf}
}

const epubEditions: string[] = []

/** An EPUB to validate: all of this file's go to one EPUBCheck run at its end (one Java start, not eight). */
async function validEpub(file: string): Promise<void> {
  assert.ok(existsSync(file), `${path.basename(file)} was written`)
  epubEditions.push(file)
}

/** Nothing set in the PDF runs past the right margin (A4, 29 mm margins; 2 pt of slack). */
async function withinMargins(file: string): Promise<void> {
  const boxes = await tool('pdftotext', ['-bbox', file, '-'])
  const width = Number(/<page width="([\d.]+)"/.exec(boxes)![1])
  const limit = width - (29 / 25.4) * 72 + 2
  const over = [...boxes.matchAll(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].filter((match) => Number(match[1]) > limit)
  assert.deepEqual(over.map((match) => `${match[2]} (${match[1]})`).slice(0, 5), [], 'text beyond the right margin')
}

describe('encodings and files', () => {
  const project = scratchFolder('encodings')
  const build = (name: string, bytes: Uint8Array | string) => {
    writeFileSync(path.join(project, name), bytes)
    return folio(['build', name, '--format', 'html', '--out', 'out'], {cwd: project})
  }
  const front = '---\ntitle: Encoded\nlang: uk\n---\n\n'

  test('UTF-8 with a BOM and CRLF, CR-only line ends, UTF-16 with a BOM: accepted', async () => {
    for (const [name, bytes] of [
      ['bom-crlf.md', `\uFEFF${front}Перший абзац.\r\n\r\nДругий абзац.\r\n`.replace(/(?<!\r)\n/g, '\r\n')],
      ['cr-only.md', `${front}Перший абзац.\n\nДругий абзац.\n`.replace(/\n/g, '\r')],
      ['utf-16.md', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${front}Перший абзац.\n\nДругий абзац.\n`, 'utf16le')])]
    ] as const) {
      const run = await build(name, bytes)
      assert.equal(run.code, 0, `${name}: ${run.stderr}`)
      const html = readFileSync(path.join(project, 'out', name.replace('.md', '.html')), 'utf8')
      assert.match(visibleText(html), /Перший абзац\. Другий абзац\./, name)
      assert.match(html, /<h1 class="title">Encoded<\/h1>/, name)
      htmlEditions.push(path.join(project, 'out', name.replace('.md', '.html')))
    }
  })

  test('Latin-1 is refused at the first bad byte; a binary file is refused', async () => {
    const latin = await build('latin-1.md', Buffer.from(`${front}Une ligne.\n\nCaf\xe9 cr\xe8me.\n`, 'latin1'))
    assert.equal(latin.code, 1)
    assert.match(latin.stderr, /^latin-1\.md:8:4 +error +This file is not valid UTF-8 \(it may be Latin-1 or Windows-1252\); save it as UTF-8/m)
    const binary = await build('picture.md', await sharp({create: {width: 4, height: 4, channels: 3, background: '#000'}}).png().toBuffer())
    assert.equal(binary.code, 1)
    assert.match(binary.stderr, /^picture\.md:1:1 +error +This is not a text file/m)
  })

  test('empty, blank and front-matter-only manuscripts say so', async () => {
    for (const [name, text, message] of [
      ['empty.md', '', 'This file is empty: the work has nothing to publish'],
      ['blank.md', '   \n\n \t \n', 'This file is empty: the work has nothing to publish'],
      ['no-body.md', '---\ntitle: Only a title\n---\n', 'This file has front matter but no text: the work has nothing to publish']
    ] as const) {
      const run = await build(name, text)
      assert.equal(run.code, 1, name)
      assert.match(run.stderr, new RegExp(`^${name.replace('.', '\\.')}:1:1 +error +${message.replace(/[().]/g, '\\$&')}`, 'm'))
      assert.ok(!existsSync(path.join(project, 'out', name.replace('.md', '.html'))))
    }
  })
})

describe('front matter cannot name a file outside the work', () => {
  test('a cover outside the folder is refused and not read', async () => {
    const project = scratchFolder('cover-outside')
    mkdirSync(path.join(project, 'work'))
    await sharp({create: {width: 16, height: 16, channels: 3, background: '#f00'}}).jpeg().toFile(path.join(project, 'secret.jpg'))
    writeFileSync(path.join(project, 'work', 'a.md'), '---\ntitle: A\nlang: en\ncover: ../secret.jpg\n---\n\nText.\n')
    writeFileSync(path.join(project, 'work', 'b.md'), '---\ntitle: B\nlang: en\ncover: /etc/passwd\n---\n\nText.\n')
    const run = await folio(['build', 'work/a.md', 'work/b.md', '--format', 'epub', '--out', 'out'], {cwd: project})
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /^work\/a\.md:4:8 +warning +Image `\.\.\/secret\.jpg` refused: it is outside the work's folder; a cover is made from the title instead/m)
    assert.match(run.stderr, /^work\/b\.md:4:8 +warning +Image `\/etc\/passwd` refused/m)
    const cover = unzipSync(readFileSync(path.join(project, 'out', 'a.epub')))['EPUB/images/cover.jpg']!
    assert.notDeepEqual(Buffer.from(cover), readFileSync(path.join(project, 'secret.jpg')))
  })
})

describe('raw HTML in every edition', () => {
  const project = scratchFolder('raw-html')
  let run: Run
  before(async () => {
    cpSync(path.join(fixtures, 'raw-html', 'input.md'), path.join(project, 'raw.md'))
    writeFileSync(
      path.join(project, 'unclosed.md'),
      '---\ntitle: Unclosed\nlang: en\n---\n\nBefore.\n\n<!-- a note never closed\n\nAfter the comment.\n\n<script>\nalert(1)\n\nAfter the script.\n\n<![CDATA[ The data. ]]>\n\nEnd.\n'
    )
    run = await folio(['build', 'raw.md', 'unclosed.md', '--out', 'out'], {cwd: project})
  })

  test('every removal is a warning at its place', () => {
    assert.equal(run.code, 0, run.stderr)
    for (const removal of [/raw\.md:6:18 +warning +Raw HTML: removed the `onclick` attribute of <b>/, /raw\.md:9:1 +warning +Raw HTML: removed <script> element and its content/, /raw\.md:11:1 +warning +Raw HTML: removed <iframe> element/, /raw\.md:19:1 +warning +Raw HTML: removed <base> element/, /raw\.md:20:1 +warning +Raw HTML: removed <meta> element/, /unclosed\.md:8:1 +warning +Raw HTML: an HTML comment \(<!--\) is never closed/, /unclosed\.md:12:1 +warning +Raw HTML: <script> is never closed/, /unclosed\.md:17:1 +warning +Raw HTML: a CDATA section is not HTML/]) {
      assert.match(run.stderr, removal)
    }
  })

  test('no text outside the removed elements is lost, in any edition', async () => {
    const expected = {
      raw: ['A paragraph with bold text, a script link and a disguised one.', 'Styled paragraph keeps its text.', 'Form text stays.', 'Object fallback text stays.', 'Слава Україні ©', '&unknownentity;', 'Unclosed div with emphasis'],
      unclosed: ['Before.', 'a note never closed', 'After the comment.', 'alert(1)', 'After the script.', 'The data.', 'End.']
    }
    for (const [slug, sentences] of Object.entries(expected)) {
      const texts = await editionTexts(path.join(project, 'out'), slug)
      for (const [edition, text] of Object.entries(texts)) {
        for (const sentence of sentences) assert.ok(text.replace(/\s+/g, ' ').includes(sentence), `${slug}.${edition} lost: ${sentence}`)
        assert.doesNotMatch(text, /gone|display: none|fallback inside iframe/, `${slug}.${edition}`)
      }
    }
    htmlEditions.push(path.join(project, 'out', 'raw.html'), path.join(project, 'out', 'unclosed.html'))
  })

  test('the EPUBs are valid', async () => {
    await validEpub(path.join(project, 'out', 'raw.epub'))
    await validEpub(path.join(project, 'out', 'unclosed.epub'))
  })
})

describe('text that tests the limits', () => {
  const project = scratchFolder('stress')
  let run: Run
  before(async () => {
    const word = 'Pneumonoultramicroscopicsilicovolcanoconiosis'.repeat(6)
    const url = `https://example.org/${'a-very-long-path-segment/'.repeat(12)}end`
    const paragraph = Array.from({length: 600}, (_, index) => `word${index % 97} is ten words long in this long paragraph.`).join(' ')
    const header = `| ${Array.from({length: 12}, (_, index) => `Head ${index + 1}`).join(' | ')} |`
    const rule = `|${'---|'.repeat(12)}`
    const rows = Array.from({length: 80}, (_, row) => `| ${Array.from({length: 12}, (_, column) => `r${row + 1}c${column + 1}`).join(' | ')} |`)
    const items = Array.from({length: 1500}, (_, index) => `- Item ${index + 1}`).join('\n')
    const nested = Array.from({length: 50}, (_, depth) => `${'  '.repeat(depth)}- Level ${depth + 1}`).join('\n')
    const quotes = `${'>'.repeat(50)} Quoted fifty levels deep.`
    const notes = Array.from({length: 200}, (_, index) => `Claim ${index + 1}.[^n${index + 1}]`).join(' ')
    const noteTexts = Array.from({length: 200}, (_, index) => `[^n${index + 1}]: Source ${index + 1}.`).join('\n')
    writeFileSync(
      path.join(project, 'stress.md'),
      [
        '---\ntitle: Stress\nlang: en\n---',
        `Control\u0002characters\u0007 and a noncharacter\uFFFE are removed.`,
        `A very long word: ${word}. A long address: <${url}>, and the same as a link: [${url}](${url}).`,
        paragraph,
        '# One', '### Three (skipped two)', '###### Six', '## Again', '## Again', '## ?!', '## 🚀',
        [header, rule, ...rows].join('\n'),
        items,
        nested,
        quotes,
        notes,
        '```\n' + `const line = "${'x'.repeat(400)}"\n` + '```',
        'It costs $5, or $10 with the $2.50 fee: dollars stay text.',
        noteTexts
      ].join('\n\n')
    )
    run = await folio(['build', 'stress.md', '--out', 'out'], {cwd: project})
  })

  test('builds every edition, warning about the control characters', () => {
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /^stress\.md:6:1 +warning +Removed a control character \(U\+0002\) that no edition may contain/m)
    assert.match(run.stderr, /^stress\.md:\d+:1 +warning +Heading level skipped \(h3 after h1\): written as h2/m)
    assert.match(run.stderr, /^stress\.md:\d+:1 +warning +Heading level skipped \(h6 after h2\): written as h3/m)
    htmlEditions.push(path.join(project, 'out', 'stress.html'))
  })

  test('the EPUB is valid; headings have unique ids', async () => {
    await validEpub(path.join(project, 'out', 'stress.epub'))
    const html = readFileSync(path.join(project, 'out', 'stress.html'), 'utf8')
    assert.match(html, /<h2 id="again">Again<\/h2>\s*<h2 id="again-1">Again<\/h2>/)
    assert.match(html, /<h2 id="section">\?!<\/h2>\s*<h2 id="section-1">🚀<\/h2>/)
  })

  test('in the PDF, nothing runs past the margin; the table header repeats on every page of the table', async () => {
    const file = path.join(project, 'out', 'stress.pdf')
    await withinMargins(file)
    const pages = (await tool('pdftotext', [file, '-'])).split('\f')
    let tablePages = 0
    for (const [index, text] of pages.entries()) {
      const page = index + 1
      if (!/\br\d+c1\b/.test(text)) continue
      tablePages++
      assert.match(text, /Head\s+1\b/, `page ${page} shows the table's header`)
    }
    assert.ok(tablePages >= 2, `the table spans ${tablePages} pages`)
  })

  test('no text is dropped: the last list item, the deepest level, the last note, the dollars', async () => {
    const texts = await editionTexts(path.join(project, 'out'), 'stress')
    for (const [edition, text] of Object.entries(texts)) {
      for (const expected of ['Item 1500', 'Level 50', 'Quoted fifty levels deep.', 'Source 200.', 'It costs $5, or $10 with the $2.50 fee', 'Controlcharacters and a noncharacter are removed.']) {
        assert.ok(text.includes(expected), `${edition}: ${expected}`)
      }
    }
  })
})

describe('languages', () => {
  const out = scratchFolder('languages')
  let run: Run
  before(async () => {
    const works = ['ukrainian', 'arabic', 'mixed'].map((name) => path.join(fixtures, 'languages', `${name}.md`))
    run = await folio(['build', ...works, '--out', out])
  })

  test('all three works build', () => {
    assert.equal(run.code, 0, run.stderr)
    for (const slug of ['ukrainian', 'arabic', 'mixed']) htmlEditions.push(path.join(out, `${slug}.html`))
  })

  test('Ukrainian: « » and „ “ quotes, the apostrophe ʼ, hyphenation, fonts with the glyphs', async () => {
    const texts = await editionTexts(out, 'ukrainian')
    for (const text of Object.values(texts)) {
      assert.ok(text.includes('Він сказав: «Це наша земля, і ми її не віддамо».'), text.slice(0, 200))
      assert.ok(text.includes('«Слово „мир“ має бути чесним»') || text.includes("«Слово „мир“ має бути чесним»"), 'inner quotes')
      assert.ok(text.includes('Обʼєднання, пʼять, мʼята і сімʼя'))
    }
    // Hyphenated with the Ukrainian patterns (hyphenation.test.ts); only the breaks taken reach the page, and no soft hyphen its text.
    const pdfText = await tool('pdftotext', [path.join(out, 'ukrainian.pdf'), '-'])
    assert.doesNotMatch(pdfText, /[\u00AD\u200B-\u200D]/, 'no soft hyphen or zero-width character in the text')
    assert.ok(pdfText.includes('Обʼєднання, пʼять, мʼята і сімʼя'), 'the Ukrainian apostrophe U+02BC')
    const fonts = await tool('pdffonts', [path.join(out, 'ukrainian.pdf')])
    for (const line of fonts.split('\n').slice(2).filter(Boolean)) assert.match(line, /Source(Serif4|Sans3)/, line)
    await validEpub(path.join(out, 'ukrainian.epub'))
  })

  test('Arabic: set right to left in every edition, in its own fonts', async () => {
    assert.match(readFileSync(path.join(out, 'arabic.html'), 'utf8'), /<html lang="ar" dir="rtl">/)
    const book = unzipSync(readFileSync(path.join(out, 'arabic.epub')))
    assert.match(strFromU8(book['EPUB/package.opf']!), /<package [^>]*dir="rtl"/)
    assert.match(strFromU8(book['EPUB/package.opf']!), /page-progression-direction="rtl"/)
    const fonts = await tool('pdffonts', [path.join(out, 'arabic.pdf')])
    assert.match(fonts, /NotoNaskhArabic/)
    assert.doesNotMatch(fonts, /Type 3/)
    // pdftotext splits Arabic words where Chromium positions their glyphs: compare without spaces.
    const arabic = (await tool('pdftotext', [path.join(out, 'arabic.pdf'), '-'])).replace(/[\s\u200E\u200F\u202A-\u202E]/g, '')
    assert.ok(arabic.includes('الضمانات') && arabic.includes('الوحيد'))
    await validEpub(path.join(out, 'arabic.epub'))
  })

  test('an Arabic paragraph in an English work runs right to left; emoji show in a shipped font; invisible characters kept', async () => {
    const html = readFileSync(path.join(out, 'mixed.html'), 'utf8')
    assert.match(html, /<p dir="rtl">هذه فقرة عربية/)
    assert.ok(html.includes('cafe\u0301') && html.includes('\u202Bembedded\u202C') && html.includes('\u2067isolate\u2069') && html.includes('ل\u200Dا'))
    const fonts = await tool('pdffonts', [path.join(out, 'mixed.pdf')])
    assert.match(fonts, /NotoEmoji/)
    assert.doesNotMatch(fonts, /Type 3/)
    for (const line of fonts.split('\n').slice(2).filter(Boolean)) assert.match(line, /Source|Noto/, `a shipped font: ${line}`)
    await validEpub(path.join(out, 'mixed.epub'))
  })
})

describe('images', () => {
  const project = scratchFolder('hostile-images')
  const work = path.join(project, 'work')
  let run: Run
  before(async () => {
    cpSync(path.join(fixtures, 'images'), work, {recursive: true})
    writeFileSync(path.join(project, 'outside.png'), await sharp({create: {width: 8, height: 8, channels: 3, background: '#f0f'}}).png().toBuffer())
    symlinkSync(path.join(project, 'outside.png'), path.join(work, 'pictures', 'link-out.png'))
    await sharp({create: {width: 8000, height: 8000, channels: 3, background: '#345'}}).png().toFile(path.join(work, 'pictures', 'huge.png'))
    writeFileSync(
      path.join(work, 'pictures', 'scripted.svg'),
      '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20" onload="alert(1)"><script>alert(2)</script><image xlink:href="https://example.com/x.png" width="10" height="10"/><image href="file:///etc/passwd" width="10" height="10"/><rect width="40" height="20" fill="#0a4a7f"/></svg>\n'
    )
    writeFileSync(
      path.join(work, 'input.md'),
      `${readFileSync(path.join(work, 'input.md'), 'utf8')}\n![Out by a link](pictures/link-out.png) ![Huge](pictures/huge.png) ![Scripted](pictures/scripted.svg) ![Inline data](data:image/png;base64,iVBORw0KGgo=)\n`
    )
    run = await folio(['build', 'work/input.md', '--out', 'out'], {cwd: project})
  })

  test('each problem is a positioned warning; the editions are built', () => {
    assert.equal(run.code, 0, run.stderr)
    for (const expected of [
      /input\.md:10:1 +warning +Image `pictures\/corrupt\.png` cannot be read: the file is damaged/,
      /input\.md:10:34 +warning +Image `pictures\/empty\.png` is an empty file/,
      /input\.md:\d+:\d+ +warning +Image `pictures\/link-out\.png` refused: it is outside the work's folder/,
      /input\.md:\d+:\d+ +warning +Image `pictures\/huge\.png` is large \(8000 × 8000/,
      /input\.md:\d+:\d+ +warning +Image `pictures\/scripted\.svg`: removed <script>/,
      /input\.md:\d+:\d+ +warning +Image `data:image\/png;base64,iVBORw0KGgo=` refused/
    ]) {
      assert.match(run.stderr, expected)
    }
    htmlEditions.push(path.join(project, 'out', 'input.html'))
  })

  test('the SVG loses its script, handlers and outside references in every edition', async () => {
    const book = unzipSync(readFileSync(path.join(project, 'out', 'input.epub')))
    const svg = strFromU8(book[Object.keys(book).find((name) => name.endsWith('scripted.svg'))!]!)
    assert.doesNotMatch(svg, /<script|onload|example\.com|file:/)
    assert.match(svg, /<rect/)
    const html = readFileSync(path.join(project, 'out', 'input.html'), 'utf8')
    const embedded = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html)![1]!
    assert.doesNotMatch(Buffer.from(embedded, 'base64').toString('utf8'), /<script|onload|example\.com|file:/)
  })

  test('the EPUB is valid; the huge image is reduced in the EPUB and HTML', async () => {
    await validEpub(path.join(project, 'out', 'input.epub'))
    const book = unzipSync(readFileSync(path.join(project, 'out', 'input.epub')))
    const huge = Buffer.from(book[Object.keys(book).find((name) => name.includes('huge'))!]!)
    assert.ok(huge.readUInt32BE(16) * huge.readUInt32BE(20) <= 4_000_000)
    // The PDF's images as poppler lists them: the huge one whole, and no 8 × 8 image from outside the work.
    const images = (await tool('pdfimages', ['-list', path.join(project, 'out', 'input.pdf')])).split('\n').slice(2).filter(Boolean).map((line) => line.trim().split(/\s+/))
    assert.ok(images.some((columns) => columns[3] === '8000' && columns[4] === '8000'), 'the PDF keeps the huge image whole')
    assert.ok(!images.some((columns) => columns[3] === '8' && columns[4] === '8'), 'the image outside the work is not in the PDF')
  })
})

describe('network', () => {
  test('nothing is fetched: a server the manuscript points at gets no request', async () => {
    const requests: string[] = []
    const server = createServer((request, response) => {
      requests.push(request.url ?? '')
      response.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as {port: number}).port
    const project = scratchFolder('network')
    writeFileSync(
      path.join(project, 'remote.md'),
      `---\ntitle: Remote\nlang: en\n---\n\n![Remote](http://127.0.0.1:${port}/image.png)\n\n<img src="http://127.0.0.1:${port}/raw.png" alt="Raw"> <iframe src="http://127.0.0.1:${port}/frame"></iframe>\n\n[A link stays a link](http://127.0.0.1:${port}/page)\n`
    )
    const built = await folio(['build', 'remote.md', '--out', 'out'], {cwd: project})
    server.close()
    assert.equal(built.code, 0, built.stderr)
    assert.match(built.stderr, /remote\.md:6:1 +warning +Remote image not fetched: http:\/\/127\.0\.0\.1:\d+\/image\.png/)
    assert.deepEqual(requests, [])
    assert.match(readFileSync(path.join(project, 'out', 'remote.html'), 'utf8'), /<a href="http:\/\/127\.0\.0\.1:\d+\/page">A link stays a link<\/a>/)
  })
})

describe('faults', () => {
  test('a build killed while it writes an edition leaves every edition whole', async () => {
    const project = scratchFolder('killed')
    const out = path.join(project, 'out')
    const long = readFileSync(path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'), 'utf8')
    writeFileSync(path.join(project, 'brief.md'), long)
    assert.equal((await folio(['build', 'brief.md', '--out', 'out'], {cwd: project})).code, 0)
    const editions = ['brief.epub', 'brief.html', 'brief.pdf', 'brief.report.json']
    const before = Object.fromEntries(editions.map((name) => [name, readFileSync(path.join(out, name))]))
    // A new text, 40 times as long, so that each edition is written anew and the PDF takes a while to write.
    const end = long.indexOf('\n---\n', 4) + 5
    writeFileSync(path.join(project, 'brief.md'), long.slice(0, end) + Array.from({length: 40}, (_, index) => `## Part ${index}\n\n${long.slice(end)}`).join('\n'))
    let caughtMidWrite = false
    for (let attempt = 0; attempt < 5 && !caughtMidWrite; attempt++) {
      const child = spawn(process.execPath, [path.join(projectRoot, 'build', 'folio.js'), 'build', 'brief.md', '--out', 'out'], {cwd: project, stdio: 'ignore'})
      // Killed the moment a file that is not an edition appears in the folder: a write under way.
      const watcher = watch(out, (_, name) => {
        if (name && !editions.includes(String(name))) child.kill('SIGKILL')
      })
      await new Promise((resolve) => child.once('exit', resolve))
      watcher.close()
      caughtMidWrite = readdirSync(out).some((name) => !editions.includes(name))
    }
    assert.ok(caughtMidWrite, 'the build was killed while a temporary file stood beside the editions')
    // Each edition is the earlier one, byte for byte, or a whole new one: never a part.
    for (const name of editions) {
      const now = readFileSync(path.join(out, name))
      if (now.equals(before[name]!)) continue
      if (name.endsWith('.pdf')) assert.match(await tool('pdfinfo', [path.join(out, name)]), /^Pages: +\d+$/m, name)
      else if (name.endsWith('.epub')) assert.ok(Object.keys(unzipSync(now)).includes('EPUB/package.opf'), name)
      else if (name.endsWith('.html')) assert.match(now.toString('utf8'), /<\/html>\s*$/, name)
      else JSON.parse(now.toString('utf8'))
    }
  })

  test('a temporary file a killed build left mid-write is removed by the next build', async () => {
    const project = scratchFolder('leftover')
    cpSync(path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'), path.join(project, 'brief.md'))
    mkdirSync(path.join(project, 'out'))
    // Named by the process that wrote it: one that died long ago, and this one (still running).
    const old = path.join(project, 'out', '.brief.html.folio-999999999-deadbeef.tmp')
    const recent = path.join(project, 'out', `.brief.html.folio-${process.pid}-0badf00d.tmp`)
    writeFileSync(old, 'half an edition')
    writeFileSync(recent, 'another build, still writing')
    utimesSync(old, new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2020, 0, 1)))
    assert.equal((await folio(['build', 'brief.md', '--format', 'html', '--out', 'out'], {cwd: project})).code, 0)
    assert.ok(!existsSync(old), 'an abandoned temporary file is removed')
    assert.ok(existsSync(recent), 'a recent one may belong to a build that is still running')
  })

  test('two builds at once into the same folder leave whole editions', async () => {
    const project = scratchFolder('concurrent')
    cpSync(path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'), path.join(project, 'brief.md'))
    const [first, second] = await Promise.all([runFolio(['build', 'brief.md', '--out', 'out'], {cwd: project}), runFolio(['build', 'brief.md', '--out', 'out'], {cwd: project})])
    assert.equal(first.code, 0, first.stderr)
    assert.equal(second.code, 0, second.stderr)
    assert.deepEqual(readdirSync(path.join(project, 'out')).sort(), ['brief.epub', 'brief.html', 'brief.pdf', 'brief.report.json'])
    await validEpub(path.join(project, 'out', 'brief.epub'))
    assert.match(await tool('pdfinfo', [path.join(project, 'out', 'brief.pdf')]), /^Pages: +\d+$/m)
    htmlEditions.push(path.join(project, 'out', 'brief.html'))
  })
})

test('every EPUB built above passes EPUBCheck', async () => {
  assert.ok(epubEditions.length >= 8, `${epubEditions.length} EPUBs`)
  const found = await epubCheckMany(epubEditions)
  assert.deepEqual([...found].flatMap(([file, messages]) => messages.map((message) => `${path.basename(file)}: ${message}`)), [])
})

after(async () => {
  const errors = (await nuCheck(htmlEditions)).filter((message) => message.type === 'error' || message.subType === 'fatal')
  assert.deepEqual(errors.map((error) => `${path.basename(error.url)}:${error.lastLine} ${error.message}`), [], 'the Nu HTML Checker reports no errors')
})
