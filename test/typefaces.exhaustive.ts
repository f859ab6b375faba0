/**
 * build/editions/typefaces.ts picks the font files a page needs by its own
 * reading of the stylesheets' font rules (`setIn`). Here Chromium sets the
 * real pages (the HTML edition, the PDF's print page, the EPUB's pages) and
 * says, for every element with text, which family, weight and style it
 * used; `setIn` must have said the same, or an edition would lack a face
 * its text needs.
 */
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import type {Element, Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {contentsOf} from '../build/document/contents.ts'
import {printableTree} from '../build/editions/pdf/index.ts'
import {printPage} from '../build/editions/pdf/print-page.ts'
import {fontSite} from '../build/editions/fonts.ts'
import {familiesFor, rootSetting, setIn, type Setting} from '../build/editions/typefaces.ts'
import type {Document} from '../build/document/document.ts'
import type {Theme} from '../build/document/theme.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {editionSettings} from '../build/pipeline/settings.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {browser, fixtures, folio, projectRoot, scratchFolder} from './harness.ts'

/** The role of each family of a theme's stacks (the first role that lists it). */
function rolesOf(theme: Theme): Map<string, string> {
  const roles = new Map<string, string>()
  for (const [role, list] of Object.entries(familiesFor(theme))) for (const family of list) if (!roles.has(family.family)) roles.set(family.family, role)
  return roles
}

/** Mark every element that holds text with what `setIn` says of it; returns the expectations by mark. */
function expectations(page: Root): string[] {
  const expected: string[] = []
  const walk = (node: Root | Element, setting: Setting): void => {
    for (const child of node.children) {
      if (child.type !== 'element') continue
      const own = setIn(child, setting)
      const hasText = child.children.some((grandchild) => grandchild.type === 'text' && /\p{L}/u.test(grandchild.value))
      if (hasText && !['style', 'script', 'title'].includes(child.tagName)) {
        child.properties.dataExpect = expected.length
        expected.push(`${own.role}${own.bold ? ' bold' : ''}${own.italic ? ' italic' : ''}`)
      }
      walk(child, own)
    }
  }
  walk(page, rootSetting)
  return expected
}

/** What Chromium used for each marked element: its first family's role, bold, italic. */
async function asSet(html: string, theme: Theme, files: Map<string, Uint8Array> = new Map()): Promise<Array<{mark: number; got: string; text: string}>> {
  const roleOf = rolesOf(theme)
  const fonts = fontSite(theme)
  return browser.run(
    {
      description: 'setting a page to compare its fonts',
      javaScript: true,
      site: (pathname) => {
        if (pathname === '/index.html') return {contentType: 'text/html; charset=utf-8', body: html}
        const file = files.get(pathname.slice(1))
        if (file) return {contentType: pathname.endsWith('.css') ? 'text/css' : pathname.endsWith('.ttf') ? 'font/ttf' : 'font/woff2', body: file}
        return fonts(pathname)
      }
    },
    (page) =>
      page.$$eval('[data-expect]', (elements) =>
        elements.map((element) => {
          const style = (globalThis as unknown as {getComputedStyle: (element: unknown) => {fontFamily: string; fontWeight: string; fontStyle: string}}).getComputedStyle(element)
          return {
            mark: Number(element.getAttribute('data-expect')),
            family: style.fontFamily.split(',')[0]!.trim().replace(/^["']|["']$/g, ''),
            bold: Number(style.fontWeight) >= 600,
            italic: style.fontStyle !== 'normal',
            text: (element.textContent ?? '').trim().slice(0, 40)
          }
        })
      )
  ).then((found) => found.map((item) => ({mark: item.mark, got: `${roleOf.get(item.family) ?? item.family}${item.bold ? ' bold' : ''}${item.italic ? ' italic' : ''}`, text: item.text})))
}

function compare(expected: string[], found: Array<{mark: number; got: string; text: string}>): void {
  assert.equal(found.length, expected.length, 'every marked element was set')
  const differences = found.filter((item) => item.got !== expected[item.mark]).map((item) => `“${item.text}”: typefaces.ts says ${expected[item.mark]}, Chromium sets ${item.got}`)
  assert.deepEqual(differences, [])
}

const parse = (html: string) => unified().use(rehypeParse).parse(html) as Root

/** Works whose every page is compared: a book with every element, and a brief in a theme with its own faces. */
const works = [
  {name: 'book-grade', folder: path.join(fixtures, 'book-grade'), slug: 'book-grade'},
  {name: 'the example institute', folder: path.join(projectRoot, 'examples', 'lindenfeld-institute', 'manuscript'), slug: 'winning-the-peace-in-ukraine'}
]

for (const work of works) {
  describe(`typefaces.ts and the stylesheets agree on ${work.name}`, () => {
    const out = scratchFolder('typefaces')
    let document: Document
    before(async () => {
      const build = await folio(['build', work.folder, '--format', 'html,epub', '--out', out])
      assert.equal(build.code, 0, build.stderr)
      const [source] = await findWorks([work.folder], fixtures)
      document = (await loadWork(source!)).document!
    })

    test('on the HTML edition', async () => {
      const page = parse(readFileSync(path.join(out, `${work.slug}.html`), 'utf8'))
      const expected = expectations(page)
      assert.ok(expected.length > 40, `${expected.length} elements with text`)
      assert.ok(expected.includes('display bold') && expected.includes('text'), 'headings and text are among them')
      compare(expected, await asSet(toHtml(page), document.theme))
    })

    test('on the PDF\'s print page', async () => {
      const settings = editionSettings(document)
      const chapters = document.chapters.map((chapter) => printableTree(chapter.tree, settings.lang))
      const page = printPage({document, chapters, pageSize: settings.pageSize, printReady: false, contents: contentsOf(document)})
      const expected = expectations(page)
      compare(expected, await asSet(toHtml(page), document.theme))
    })

    test('on every page of the EPUB', async () => {
      const book = unzipSync(readFileSync(path.join(out, `${work.slug}.epub`)))
      const files = new Map(Object.entries(book).map(([name, bytes]) => [name.replace(/^EPUB\//, ''), bytes]))
      const pages = Object.keys(book).filter((name) => name.endsWith('.xhtml') && !name.endsWith('nav.xhtml'))
      assert.ok(pages.length >= 3, pages.join(', '))
      for (const name of pages) {
        // Served from the root, the page's ../css and ../fonts resolve to the book's files.
        const page = parse(strFromU8(book[name]!))
        const expected = expectations(page)
        compare(expected, await asSet(toHtml(page), document.theme, files))
      }
    })
  })
}
