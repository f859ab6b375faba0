/**
 * Book-grade content: figures, callouts, tables with captions,
 * front and back matter, parts, per-language typography and cross-references,
 * in all three editions, with every validator (Nu, EPUBCheck, Ace) through
 * `folio build --check`, and the PDF read back page by page.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import {PDFDict, PDFDocument, PDFName, PDFRawStream} from 'pdf-lib'
import {fixtures, folio, scratchFolder, tool, visibleText, type Run} from './harness.ts'

type Book = Record<string, Uint8Array>

/** The text of each page of a PDF (pdftotext, one string per page). */
async function pageTexts(file: string): Promise<string[]> {
  const text = await tool('pdftotext', ['-layout', file, '-'])
  // Without the soft hyphens Folio inserts for print, which stay in the text layer.
  return text.replaceAll('\u00AD', '').split('\f').slice(0, -1)
}

/** How many raster images a page draws (also inside the forms it draws). */
function rasterImages(pdf: PDFDocument, pageIndex: number): number {
  const count = (resources: PDFDict | undefined): number => {
    const objects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict)
    if (!objects) return 0
    return objects.keys().reduce((sum, key) => {
      const object = pdf.context.lookup(objects.get(key))
      if (!(object instanceof PDFRawStream)) return sum
      const subtype = String(object.dict.get(PDFName.of('Subtype')))
      return sum + (subtype === '/Image' ? 1 : subtype === '/Form' ? count(object.dict.lookupMaybe(PDFName.of('Resources'), PDFDict)) : 0)
    }, 0)
  }
  return count(pdf.getPages()[pageIndex]!.node.Resources())
}

describe('a book with every book-grade element', () => {
  const out = scratchFolder('book-grade')
  let build: Run
  let html: string
  let book: Book
  let pages: string[]
  let pdf: PDFDocument
  const xhtml = (name: string) => strFromU8(book[`EPUB/${name}`]!)
  before(async () => {
    build = await folio(['build', path.join(fixtures, 'book-grade'), '--out', out, '--check'], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    html = readFileSync(path.join(out, 'book-grade.html'), 'utf8')
    book = unzipSync(readFileSync(path.join(out, 'book-grade.epub')))
    pages = await pageTexts(path.join(out, 'book-grade.pdf'))
    pdf = await PDFDocument.load(readFileSync(path.join(out, 'book-grade.pdf')), {updateMetadata: false})
  })

  test('builds with every check passing: Nu, EPUBCheck 0/0, Ace 0 violations, PDF checks, text fidelity', () => {
    assert.equal(build.code, 0, build.stdout + build.stderr)
    assert.match(build.stdout, /html +Nu HTML Checker +pass +0 errors/)
    assert.match(build.stdout, /epub +EPUBCheck +pass +0 errors, 0 warnings/)
    assert.match(build.stdout, /epub +Ace by DAISY +pass +0 violations/)
    assert.match(build.stdout, /pdf +own checks +pass +tagged, \/Lang en-GB, title, outline, .* 6x9in/)
    for (const edition of ['html', 'pdf', 'epub']) assert.match(build.stdout, new RegExp(`${edition} +text fidelity +pass`))
  })

  test('figures: numbered, captioned, in every edition; the SVG stays vector in the PDF, each figure on one page with its caption', () => {
    assert.match(html, /<figure class="figure" id="figure-1"><img src="data:image\/png;base64,[^"]+" alt="A line rising from left to right"[^>]*><figcaption><span class="figure-label">Figure 1\.<\/span> Reconstruction spending, 2023–2030 \(illustrative\)<\/figcaption><\/figure>/)
    assert.match(html, /<figcaption><span class="figure-label">Figure 2\.<\/span> Security guarantees by kind: treaties hold best<\/figcaption>/)
    assert.match(xhtml('text/findings.xhtml'), /<figure class="figure" id="figure-2"><img src="\.\.\/images\/2-guarantees\.svg"/)
    const rasterPage = pages.findIndex((page) => page.includes('Figure 1.'))
    const vectorPage = pages.findIndex((page) => page.includes('Figure 2.'))
    assert.equal(rasterImages(pdf, rasterPage), 1, 'the PNG figure is drawn on the page of its caption')
    assert.equal(rasterImages(pdf, vectorPage), 0, 'the SVG figure is not turned into pixels')
    // The SVG's labels are text in the PDF: it was drawn as vectors, on its caption's page.
    assert.match(pages[vectorPage]!, /Treaty\s+Assurance\s+Pledge/)
  })

  test('callouts are asides with a label, with their roles and EPUB types', () => {
    assert.match(html, /<aside class="callout key-findings" aria-label="Key findings"><p class="callout-label">Key findings<\/p><ul>/)
    assert.match(html, /<aside class="callout note" role="note" aria-label="Note"><p class="callout-label">Note<\/p>/)
    assert.match(html, /<aside class="callout pullquote" role="doc-pullquote" aria-label="Pull quote"><p>Peace without security is only a pause\.<\/p><\/aside>/)
    assert.match(xhtml('text/context.xhtml'), /<aside class="callout pullquote" role="doc-pullquote" aria-label="Pull quote" epub:type="pullquote">/)
    assert.match(pages.join('\n'), /KEY FINDINGS/)
  })

  test('the table keeps its alignment and caption, and scrolls on a phone', () => {
    assert.match(html, /<div class="table-scroll" role="region" tabindex="0" aria-label="Table 1\. How binding each kind of guarantee is, and how well it deters"><table class="captioned" id="table-1"><caption><span class="table-label">Table 1\.<\/span> How binding/)
    assert.match(html, /<th class="align-left">Guarantee<\/th>\s*<th class="align-center">Binding<\/th>\s*<th class="align-right">Deterrence<\/th>/)
    assert.match(xhtml('text/findings.xhtml'), /<td class="align-right">0\.9<\/td>/)
  })

  test('the title page and copyright page, in the PDF and the EPUB with their landmarks', () => {
    assert.match(pages[0]!, /EXAMPLE POLICY PAPERS, NO\. 7[\s\S]*After the War[\s\S]*Olena Kovalenko and John Smith\s+Edited by Jane Doe\s+Translated by Ivan Franko[\s\S]*The Example Institute/)
    assert.doesNotMatch(pages[0]!, /^\s*1\s*$/m, 'no folio on the title page')
    assert.match(pages[1]!, /Second edition\s+Published 1 March 2024\s+© 2024 The Example Institute\. All rights reserved\.\s+ISBN 978-3-16-148410-0/)
    assert.match(xhtml('titlepage.xhtml'), /<section epub:type="titlepage" class="titlepage" aria-label="Title page">[\s\S]*<p>Edited by Jane Doe<\/p>[\s\S]*<p class="publisher">The Example Institute<\/p>/)
    assert.match(xhtml('copyright.xhtml'), /<section epub:type="copyright-page" class="copyright-page"[^>]*>[\s\S]*<p>ISBN 978-3-16-148410-0<\/p>/)
    const landmarks = /<nav epub:type="landmarks"[\s\S]*?<\/nav>/.exec(xhtml('nav.xhtml'))![0]
    assert.deepEqual([...landmarks.matchAll(/epub:type="([^"]+)" href="([^"]+)"/g)].map((match) => `${match[1]} ${match[2]}`), [
      'cover cover.xhtml',
      'titlepage titlepage.xhtml',
      'copyright-page copyright.xhtml',
      'toc nav.xhtml#toc',
      'bodymatter text/part-1.xhtml',
      'backmatter text/about.xhtml'
    ])
    const opf = xhtml('package.opf')
    assert.match(opf, /<dc:identifier id="pub-id">urn:isbn:9783161484100<\/dc:identifier>/)
    assert.match(opf, /<dc:contributor id="contributor-3">Jane Doe<\/dc:contributor>\s*<meta refines="#contributor-3" property="role" scheme="marc:relators">edt<\/meta>/)
    assert.match(opf, /<dc:contributor id="contributor-4">Ivan Franko<\/dc:contributor>\s*<meta refines="#contributor-4" property="role" scheme="marc:relators">trl<\/meta>/)
    assert.match(opf, /<meta property="belongs-to-collection" id="series">Example Policy Papers, No\. 7<\/meta>/)
  })

  test('the HTML page shows the same facts in its header and footer', () => {
    const header = /<header class="title-block">[\s\S]*?<\/header>/.exec(html)![0]
    assert.equal(
      visibleText(header).trim(),
      'Example Policy Papers, No. 7 After the War Security, reconstruction and the shape of a lasting peace Olena Kovalenko and John Smith Edited by Jane Doe Translated by Ivan Franko 1 March 2024 Second edition What security means once the fighting stops, how reconstruction can proceed, and which guarantees can hold. PDF EPUB'
    )
    // The closing sections, in the default theme's order: the recommended citation, rights, the imprint.
    const footer = /<footer class="colophon">[\s\S]*?<\/footer>/.exec(html)![0]
    assert.match(footer, /<h2 id="folio-citation">Recommended citation<\/h2><p class="citation">Kovalenko, Olena, and John Smith\. <i>After the War: Security, Reconstruction and the Shape of a Lasting Peace<\/i>\. Edited by Jane Doe\. Example Policy Papers 7\. The Example Institute, 2024\.<\/p>/)
    assert.match(footer, /<section class="rights"><p>© 2024 The Example Institute\. All rights reserved\.<\/p><\/section><section class="imprint"><p>The Example Institute<\/p><p>ISBN 978-3-16-148410-0<\/p><\/section>/)
  })

  test('front and back matter keep their semantics in every edition', () => {
    assert.match(html, /<section class="chapter preface" role="doc-preface" aria-labelledby="preface">/)
    assert.match(html, /<section class="chapter about" aria-labelledby="about-the-authors">/)
    assert.match(xhtml('text/preface.xhtml'), /<body epub:type="frontmatter"><section epub:type="preface" role="doc-preface" class="chapter preface"/)
    assert.match(xhtml('text/about.xhtml'), /<body epub:type="backmatter">/)
    assert.match(xhtml('text/context.xhtml'), /<body epub:type="bodymatter"><section epub:type="chapter" role="doc-chapter" class="chapter"/)
  })

  test('parts: the hierarchy in every table of contents; in print each part and chapter opens a right-hand page', () => {
    assert.match(html, /<li class="toc-part"><a href="#part-i-context">Part I: Context<\/a><ol>\s*<li class="toc-chapter"><a href="#the-context">The Context<\/a><ol>\s*<li><a href="#what-came-before">What Came Before<\/a><\/li>/)
    assert.match(html, /<section class="part" role="doc-part" aria-labelledby="part-i-context"><h1 class="part-title" id="part-i-context">Part I: Context<\/h1><section class="chapter" role="doc-chapter"/)
    assert.match(xhtml('nav.xhtml'), /<li><a href="text\/part-1\.xhtml">Part I: Context<\/a><ol><li><a href="text\/context\.xhtml">The Context<\/a><ol><li><a href="text\/context\.xhtml#what-came-before">What Came Before<\/a><\/li><\/ol><\/li><\/ol><\/li>/)
    assert.match(xhtml('text/part-2.xhtml'), /<section epub:type="part" role="doc-part" class="part-page" aria-labelledby="part-ii-findings"><h1 class="part-title" id="part-ii-findings">Part II: Findings<\/h1><\/section>/)
    const spine = [...xhtml('package.opf').matchAll(/<itemref idref="([^"]+)"/g)].map((match) => match[1])
    assert.deepEqual(spine, ['cover', 'titlepage', 'copyright', 'nav', 'text-preface', 'text-part-1', 'text-context', 'text-part-2', 'text-findings', 'text-about'])

    // Where each opener is, from its first lines (the running head is above it); page numbers count from 1.
    const opens = (title: string) => pages.findIndex((page) => new RegExp(`^\\s*(After the War\\s+)?${title}\\s*$`, 'm').test(page.split('\n').slice(0, 8).join('\n'))) + 1
    const openers = ['Preface', 'Part I: Context', 'The Context', 'Part II: Findings', 'Findings', 'About the Authors'].map((title) => [title, opens(title)] as const)
    for (const [title, page] of openers) assert.equal(page % 2, 1, `${title} opens on page ${page}, a left-hand page`)
    // The printed contents give the same pages, with dot leaders.
    const contents = pages.find((page) => /CONTENTS/.test(page))!
    for (const [title, page] of openers) assert.match(contents, new RegExp(`${title.replace(/[.:]/g, '\\$&')}[ .]+${page}\\b`))
    assert.equal(pages.length % 2, 1, 'no blank page after the last')
  })

  test('typography by language: quotes, apostrophes, French spacing, lang on the elements', () => {
    const text = visibleText(html)
    assert.ok(text.includes('Ukrainians call it «Відбудова» and keep its памʼять; the Germans speak of „Wiederaufbau“.'), 'quotes and apostrophe by the phrase\'s language')
    assert.ok(html.includes('<div lang="fr"><p>«\u202FUne paix durable exige des garanties crédibles\u202F», dit-on à Paris\u202F; est-ce vrai\u202F?</p></div>'), 'French marks and no-break spaces')
    assert.ok(text.includes('the brief’s “plain” voice – and its footnotes'), 'English quotes, a spaced en dash')
    assert.match(html, /<span lang="uk">«Відбудова»<\/span>/)
    assert.match(html, /<div lang="fr"><p>/)
    assert.match(xhtml('text/context.xhtml'), /<span lang="uk" xml:lang="uk">«Відбудова»<\/span>|<span lang="uk">«Відбудова»<\/span>/)
  })

  test('the PDF, tables and all, is the same bytes when built again', async () => {
    const again = scratchFolder('book-grade-again')
    const second = await folio(['build', path.join(fixtures, 'book-grade'), '--format', 'pdf', '--out', again], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    assert.equal(second.code, 0, second.stderr)
    const bytes = readFileSync(path.join(out, 'book-grade.pdf'))
    assert.ok(readFileSync(path.join(again, 'book-grade.pdf')).equals(bytes), 'byte-identical')
    // Chromium's DOM node numbers, which vary from run to run, are not left in the structure tree.
    assert.doesNotMatch(bytes.toString('latin1'), /\(node\d+\)/)
    assert.match(bytes.toString('latin1'), /\/ID \(id-1\)/)
  })

  test('cross-references to a heading in another chapter work in every edition', () => {
    assert.match(html, /As the <a href="#what-the-numbers-say">findings<\/a> show/)
    assert.match(html, /Back to <a href="#the-context">the context<\/a> or to <a href="#what-came-before">what came before<\/a>\./)
    assert.match(xhtml('text/context.xhtml'), /<a href="findings\.xhtml#what-the-numbers-say">findings<\/a>/)
    assert.match(xhtml('text/findings.xhtml'), /<a href="context\.xhtml#the-context">the context<\/a>/)
    // In the PDF, the link is an internal link to a named destination.
    const links = pdf.getPages().flatMap((page) => page.node.Annots()?.asArray() ?? []).map((ref) => pdf.context.lookup(ref, PDFDict))
    const destinations = links.map((link) => String(link.get(PDFName.of('Dest')) ?? '')).filter(Boolean)
    assert.ok(destinations.some((name) => name.includes('what-the-numbers-say')), `internal link destinations: ${destinations.join(', ')}`)
  })
})

describe('a table longer than a page', () => {
  test('repeats its header row on every PDF page it spans', async () => {
    const work = scratchFolder('long-table')
    const rows = Array.from({length: 90}, (_, index) => `| Row ${index + 1} | ${index * 3} |`).join('\n')
    mkdirSync(path.join(work, 'manuscript'))
    writeFileSync(path.join(work, 'manuscript', 'table.md'), `---\ntitle: A Long Table\nlang: en\n---\n\n| Measure | Value |\n|---|--:|\n${rows}\n`)
    const build = await folio(['build', '--format', 'pdf'], {cwd: work})
    assert.equal(build.code, 0, build.stderr)
    const pages = await pageTexts(path.join(work, 'output', 'table.pdf'))
    assert.ok(pages.length >= 2, `${pages.length} pages`)
    for (const [index, page] of pages.entries()) assert.match(page, /Measure\s+Value/, `page ${index + 1} has the header row`)
  })
})
