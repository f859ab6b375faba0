/**
 * The example institute (examples/lindenfeld-institute/): the brief in the
 * institute's theme, with its byline, affiliations, date, logo, brand
 * colour, its own text face, licence, DOI and recommended citation, built
 * once and checked by the real validators (Nu, EPUBCheck, Ace, the PDF
 * checks); then read edition by edition, and looked at by Chromium for the
 * contrast of every piece of text, light and dark.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import sharp from 'sharp'
import {contrast} from '../build/document/colors.ts'
import {browser, folio, pdfText, projectRoot, scratchFolder, tool, visibleText, type Run} from './harness.ts'

const manuscript = path.join(projectRoot, 'examples', 'lindenfeld-institute', 'manuscript')
const slug = 'winning-the-peace-in-ukraine'
const citation =
  'Marchenko, Olena, and Daniel Hart. Winning the Peace in Ukraine: Why Security Guarantees and NATO Membership for Kyiv Represent the Sole Avenue for Stability and Security in Europe after the Fighting Stops. LPB-2023-07. Lindenfeld Policy Briefs 7. Lindenfeld Institute, 2023. https://doi.org/10.5555/lindenfeld.2023.07.'

/** Text with its line breaks and hyphenation undone, for finding a sentence in a PDF. */
const flat = (text: string) => text.replace(/\u00AD\s*/g, '').replace(/[\u200C]/g, '').replace(/\s+/g, ' ')

describe('the example institute\'s brief', () => {
  const out = scratchFolder('institute')
  let build: Run
  let html: string
  let book: Record<string, Uint8Array>
  let pdf: string[]
  const epubText = (name: string) => strFromU8(book[name]!)
  before(async () => {
    build = await folio(['build', manuscript, '--out', out, '--check'], {env: {SOURCE_DATE_EPOCH: '1700000000'}})
    html = readFileSync(path.join(out, `${slug}.html`), 'utf8')
    book = unzipSync(readFileSync(path.join(out, `${slug}.epub`)))
    pdf = await pdfText(readFileSync(path.join(out, `${slug}.pdf`)))
  })

  test('builds with no warning, and every check passes: Nu, EPUBCheck, Ace, the PDF\'s', () => {
    assert.equal(build.code, 0, build.stdout + build.stderr)
    assert.equal(build.stderr, '', 'no message')
    for (const check of ['Nu HTML Checker', 'EPUBCheck', 'Ace by DAISY']) assert.match(build.stdout, new RegExp(`${check} +pass`), `${check} ran and passed`)
    assert.match(build.stdout, /^ {2}pdf +own checks +pass/m)
    assert.match(build.stdout, /^Checks: \d+ passed, 0 failed, 0 skipped$/m)
  })

  test('the recommended citation, in all three editions', () => {
    assert.ok(visibleText(html).includes(citation), 'HTML footer')
    assert.ok(flat(pdf.at(-1)!).includes(citation), 'the PDF\'s last page')
    assert.ok(visibleText(epubText('EPUB/colophon.xhtml')).includes(citation), 'the EPUB\'s colophon')
    assert.match(html, /<a href="https:\/\/doi\.org\/10\.5555\/lindenfeld\.2023\.07">https:\/\/doi\.org\/10\.5555\/lindenfeld\.2023\.07<\/a>\.<\/p>/)
  })

  test('byline with affiliations and the date, on the first page of every edition', () => {
    const byline = 'Olena Marchenko, Lindenfeld Institute Daniel Hart, Centre for Transatlantic Studies, Northgate University March 2023'
    assert.ok(visibleText(/<header class="title-block">[\s\S]*?<\/header>/.exec(html)![0]).includes(byline))
    assert.ok(flat(pdf[0]!).includes(byline.replace(/ (Daniel|March)/g, ' $1')), pdf[0])
    assert.ok(visibleText(epubText(`EPUB/text/${slug}.xhtml`)).includes(byline))
    assert.match(html, /<time datetime="2023-03-01">March 2023<\/time>/)
  })

  test('the closing sections, in the theme\'s order, on the PDF\'s last page', () => {
    const last = flat(pdf.at(-1)!)
    const order = ['ABOUT THE AUTHORS', 'Olena Marchenko is a senior fellow', 'RECOMMENDED CITATION', '© 2023 Lindenfeld Institute.', 'This work is licensed under Creative Commons Attribution 4.0 International (CC-BY-4.0).', 'The views expressed', 'Lindenfeld Institute, Lviv']
    let at = -1
    for (const text of order) {
      const found = last.indexOf(text)
      assert.ok(found > at, `“${text}” after the one before it`)
      at = found
    }
    assert.match(runningHead(pdf), /Winning the Peace · Lindenfeld Institute/)
  })

  test('the logo: in the HTML page (with its dark version), the EPUB and on the PDF\'s first page', async () => {
    assert.match(html, /<picture><source srcset="data:image\/svg\+xml;base64,[^"]+" media="\(prefers-color-scheme: dark\)"><img class="logo" src="data:image\/svg\+xml;base64,[^"]+" alt="Lindenfeld Institute"><\/picture>/)
    assert.match(epubText(`EPUB/text/${slug}.xhtml`), /<img class="logo" src="\.\.\/images\/logo\.svg" alt="Lindenfeld Institute"/)
    assert.match(epubText('EPUB/package.opf'), /<item id="logo" href="images\/logo\.svg" media-type="image\/svg\+xml" \/>/)
    // The mark's teal, drawn as vector paths at the top left of page 1.
    const page = path.join(out, 'page')
    await tool('pdftoppm', ['-r', '60', '-png', '-f', '1', '-l', '1', '-singlefile', path.join(out, `${slug}.pdf`), page])
    const {data, info} = await sharp(`${page}.png`).extract({left: 0, top: 0, width: 250, height: 120}).raw().toBuffer({resolveWithObject: true})
    let teal = 0
    for (let index = 0; index < data.length; index += info.channels) if (Math.abs(data[index]! - 0x0b) < 24 && Math.abs(data[index + 1]! - 0x5d) < 24 && Math.abs(data[index + 2]! - 0x5b) < 24) teal++
    assert.ok(teal > 150, `${teal} pixels of the brand colour where the logo is`)
  })

  test('the theme\'s own text face, in every edition', async () => {
    assert.match(html, /@font-face \{\n {2}font-family: 'Literata';\n {2}font-style: normal;\n {2}font-weight: 400;[^}]*src: url\(data:font\/woff2;base64,/)
    assert.ok(Object.keys(book).includes('EPUB/fonts/literata-400-normal.ttf'), Object.keys(book).join(', '))
    assert.match(epubText('EPUB/css/book.css'), /font-family: 'Literata', 'Source Serif 4', 'Noto Naskh Arabic', 'Noto Emoji', Georgia, 'Times New Roman', serif;/)
    const fonts = await tool('pdffonts', [path.join(out, `${slug}.pdf`)])
    assert.match(fonts, /Literata-Regular +CID TrueType/)
    assert.doesNotMatch(fonts, /Type 3/)
  })

  test('machine-readable: citation_* tags, schema.org Report with affiliations, the DOI in the EPUB', () => {
    for (const tag of [
      '<meta name="citation_author" content="Olena Marchenko">',
      '<meta name="citation_author_institution" content="Lindenfeld Institute">',
      '<meta name="citation_author_orcid" content="https://orcid.org/0000-0002-1825-0097">',
      '<meta name="citation_publication_date" content="2023/03/01">',
      '<meta name="citation_technical_report_number" content="LPB-2023-07">',
      '<meta name="citation_doi" content="10.5555/lindenfeld.2023.07">',
      '<link rel="canonical" href="https://lindenfeld.example.org/briefs/winning-the-peace">'
    ]) assert.ok(html.includes(tag), tag)
    const facts = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!) as Record<string, unknown>
    assert.equal(facts['@type'], 'Report')
    assert.deepEqual((facts.author as Array<Record<string, unknown>>)[1], {
      '@type': 'Person', name: 'Daniel Hart', affiliation: [{'@type': 'Organization', name: 'Centre for Transatlantic Studies, Northgate University'}],
      identifier: 'https://orcid.org/0000-0001-5109-3700', sameAs: 'https://orcid.org/0000-0001-5109-3700'
    })
    assert.equal(facts.license, 'https://creativecommons.org/licenses/by/4.0/')
    const opf = epubText('EPUB/package.opf')
    assert.match(opf, /<dc:identifier id="doi">doi:10\.5555\/lindenfeld\.2023\.07<\/dc:identifier>\s*<meta refines="#doi" property="identifier-type" scheme="onix:codelist5">06<\/meta>/)
    assert.match(opf, /<meta refines="#contributor-2" property="schema:affiliation">Centre for Transatlantic Studies, Northgate University<\/meta>/)
  })

  test('every piece of text reads on its background, light and dark, on a phone and a desktop (4.5:1)', async () => {
    const low: string[] = []
    for (const width of [375, 1280]) {
      for (const scheme of ['light', 'dark'] as const) {
        const found = await browser.run({description: 'measuring contrast', javaScript: true, site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html; charset=utf-8', body: html} : undefined)}, async (page) => {
          await page.setViewport({width, height: 900})
          await page.emulateMediaFeatures([{name: 'prefers-color-scheme', value: scheme}])
          try {
            return await page.evaluate(() => {
              const view = globalThis as unknown as {document: {querySelectorAll: (selector: string) => ArrayLike<HTMLLike>}; getComputedStyle: (element: HTMLLike) => {color: string; backgroundColor: string; visibility: string}}
              interface HTMLLike {childNodes: ArrayLike<{nodeType: number; textContent: string | null}>; parentElement: HTMLLike | null; textContent: string | null; getClientRects: () => ArrayLike<unknown>}
              const results: Array<{text: string; color: string; background: string}> = []
              for (const element of Array.from(view.document.querySelectorAll('body *'))) {
                const own = Array.from(element.childNodes).some((node) => node.nodeType === 3 && /\S/.test(node.textContent ?? ''))
                if (!own || element.getClientRects().length === 0 || view.getComputedStyle(element).visibility === 'hidden') continue
                let background = 'rgba(0, 0, 0, 0)'
                for (let holder: HTMLLike | null = element; holder; holder = holder.parentElement) {
                  const color = view.getComputedStyle(holder).backgroundColor
                  if (!/rgba\(.*, 0\)$/.test(color) && color !== 'transparent') {
                    background = color
                    break
                  }
                }
                results.push({text: (element.textContent ?? '').trim().slice(0, 50), color: view.getComputedStyle(element).color, background})
              }
              return results
            })
          } finally {
            await page.emulateMediaFeatures([])
          }
        })
        assert.ok(found.length > 50, `${found.length} elements with text at ${width} px, ${scheme}`)
        for (const item of found) {
          const rgb = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? ['255', '255', '255']).slice(0, 3).map(Number) as [number, number, number]
          const background = /rgba\(.*, 0\)$/.test(item.background) ? rgb(scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(22, 23, 27)') : rgb(item.background)
          const ratio = contrast(rgb(item.color), background)
          if (ratio < 4.5) low.push(`${width} px ${scheme}: “${item.text}” ${item.color} on ${item.background}: ${ratio.toFixed(2)}:1`)
        }
      }
    }
    assert.deepEqual(low, [])
  })
})

/** The running head of page 2: the first line pdf.js gives. */
function runningHead(pages: string[]): string {
  return pages[1]!.split('\n')[0]!
}
