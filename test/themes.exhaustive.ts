/**
 * Themes: named by a work, its book.yaml or folio.yaml; checked like front
 * matter, every problem at its line and column; nothing read outside the
 * theme's folder or the folder of works; colours as tokens in every
 * edition; a theme's own faces, CFF outlines included, in the PDF without
 * Type 3 fonts. And the two layouts, chosen by `layout`, not by which
 * metadata a work has.
 */
import assert from 'node:assert/strict'
import {cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import {contrast} from '../build/document/colors.ts'
import {colorSchemes, textOnBackground} from '../build/document/theme.ts'
import {tokenValues, withValues} from '../build/editions/theme-styles.ts'
import {resolveTheme} from '../build/pipeline/theme.ts'
import {templateSlots} from '../build/templates-folder.ts'
import {fixtures, folio, pdfText, projectRoot, scratchFolder, tool} from './harness.ts'

const example = path.join(projectRoot, 'examples', 'lindenfeld-institute', 'manuscript')
const literata = path.join(example, 'themes', 'lindenfeld', 'fonts', 'literata-latin-400-normal.woff2')

/** A folder of works with the given files (text, or bytes copied from a path given as `{copy}`). */
function works(files: Record<string, string | {copy: string}>): string {
  const folder = scratchFolder('themes')
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), {recursive: true})
    if (typeof content === 'string') writeFileSync(path.join(folder, name), content)
    else cpSync(content.copy, path.join(folder, name))
  }
  return folder
}

const brief = (front = '') => `---\ntitle: A Brief\nlang: en\n${front}---\n\nThe text of the brief, one paragraph.\n\n## A heading\n\nAnother paragraph.\n`

/** The messages of a run, one a line, without the folder. */
const messages = (stderr: string) => stderr.split('\n').filter((line) => /(error|warning) /.test(line))

describe('theme.yaml is checked like front matter', () => {
  test('each problem is a message at its line and column, and nothing is built', async () => {
    const folder = works({
      'brief.md': brief('theme: themes/house\n'),
      'themes/house/theme.yaml': [
        'colors:',
        '  light:',
        '    brandd: "#123456"',
        '    accent: blue',
        'faces:',
        '  text: Comic Sans',
        '  display:',
        '    regular: fonts/missing.woff2',
        '  code:',
        '    regular: ../../secret.woff2',
        'logo: logo.png',
        'closing: [citation, colophon]',
        ''
      ].join('\n'),
      'secret.woff2': {copy: literata}
    })
    const run = await folio(['build', 'brief.md', '--out', 'out'], {cwd: folder})
    assert.equal(run.code, 1)
    const theme = path.join('themes', 'house', 'theme.yaml')
    assert.deepEqual(messages(run.stderr), [
      `${theme}:3:5  warning  Unknown field \`brandd\` in \`colors.light\` is ignored (did you mean \`brand\`?)  theme-unknown`,
      `${theme}:4:13  error  Theme field \`colors.light.accent\` is not a colour: write it as #rrggbb (such as #0a4a7f)  theme-type`,
      `${theme}:12:21  error  Theme field \`closing.1\` is not a closing section Folio knows (about-the-authors, citation, rights, disclaimer, imprint)  theme-type`
    ])
    // With its fields right, the files it names are checked.
    writeFileSync(path.join(folder, theme), ['faces:', '  text: Comic Sans', '  display:', '    regular: fonts/missing.woff2', '  code:', '    regular: ../../secret.woff2', 'logo: logo.png', ''].join('\n'))
    const again = await folio(['build', 'brief.md', '--out', 'out'], {cwd: folder})
    assert.equal(again.code, 1)
    assert.deepEqual(messages(again.stderr).map((line) => line.replace(/ {2}\S+$/, '')), [
      `${theme}:2:9  error  Theme field \`faces.text\`: \`Comic Sans\` is not a family Folio ships (Source Serif 4, Source Sans 3, Source Code Pro, Noto Naskh Arabic, Noto Sans Arabic, Noto Emoji); a family of your own is given by its files (regular: fonts/….woff2)`,
      `${theme}:4:14  error  Theme field \`faces.display.regular\`: \`fonts/missing.woff2\` not found in the theme's folder`,
      `${theme}:6:14  error  Theme field \`faces.code.regular\`: \`../../secret.woff2\` is outside the theme's folder: a theme's files must be inside it`,
      `${theme}:7:7  error  Theme field \`logo\`: \`logo.png\` not found in the theme's folder`
    ])
  })

  test('a file that leads out of the theme\'s folder through a link is not read', async () => {
    const folder = works({'brief.md': brief('theme: house\n'), 'house/theme.yaml': 'logo: logo.svg\n', 'outside.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>'})
    symlinkSync(path.join(folder, 'outside.svg'), path.join(folder, 'house', 'logo.svg'))
    const run = await folio(['build', 'brief.md', '--out', 'out', '--format', 'html'], {cwd: folder})
    assert.equal(run.code, 1)
    assert.match(run.stderr, /house\/theme\.yaml:1:7 {2}error {2}Theme field `logo`: `logo\.svg` is outside the theme's folder/)
  })

  test('a theme must be inside the folder of works', async () => {
    const outer = works({'themes/elsewhere/theme.yaml': 'name: Elsewhere\n', 'manuscript/brief.md': brief('theme: ../themes/elsewhere\n')})
    const run = await folio(['build', '--out', 'out', '--format', 'html'], {cwd: outer})
    assert.equal(run.code, 1)
    assert.match(run.stderr, /manuscript\/brief\.md:4:8 {2}error {2}Theme `\.\.\/themes\/elsewhere` is outside the folder of works \(manuscript\/\): a theme must be inside it/)
    const missing = works({'brief.md': brief('theme: nowhere\n')})
    assert.match((await folio(['build', 'brief.md', '--format', 'html'], {cwd: missing})).stderr, /brief\.md:4:8 {2}error {2}Theme `nowhere` not found: name a folder with a theme\.yaml/)
  })

  test('colours of text and background under 4.5:1 are a warning at the token', async () => {
    const folder = works({'brief.md': brief('theme: pale\n'), 'pale/theme.yaml': 'colors:\n  light:\n    muted: "#b0b0b0"\n'})
    const run = await folio(['build', 'brief.md', '--out', 'out', '--format', 'html'], {cwd: folder})
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /pale\/theme\.yaml:3:12 {2}warning {2}Theme colours light\.muted \(#b0b0b0\) on light\.background \(#ffffff\) have a contrast of 2\.\d\d:1; text needs at least 4\.5:1/)
  })

  test('a theme\'s stylesheet loads nothing, and a template may use only its slots', async () => {
    const folder = works({
      'brief.md': brief('theme: house\n'),
      'house/theme.yaml': 'templates:\n  html/page.html: page.html\n',
      'house/styles.css': '@import "other.css";\nbody { background: url(paper.png); }\n.note { color: var(--colour-text); }\n',
      'house/page.html': '<!doctype html>\n<html data-slot-lang="lang">\n<body>\n<h1 data-slot="headline"></h1>\n</body>\n</html>\n'
    })
    const run = await folio(['build', 'brief.md', '--out', 'out', '--format', 'html'], {cwd: folder})
    assert.equal(run.code, 1)
    assert.deepEqual(messages(run.stderr).map((line) => line.replace(/ {2}\S+$/, '').replace(/: its slots are .*/, '')), [
      'house/styles.css:1:1  warning  A theme\'s stylesheet may not @import: put the rules in the file itself',
      'house/styles.css:2:20  warning  `url(paper.png)` is removed: a theme\'s stylesheet loads no files (fonts go in theme.yaml\'s faces, the logo in its logo)',
      'house/styles.css:3:16  warning  `--colour-text` is not a theme token (--color-brand, --color-accent, --color-text, --color-muted, --color-rule, --color-background, --color-surface, --color-on-brand, --font-text, --font-display, --font-code): the EPUB has no value for it',
      'house/page.html:4:1  error  Unknown slot `headline` in html/page.html'
    ])
  })
})

describe('a theme in every edition', () => {
  test('named by folio.yaml, its tokens reach every edition; the EPUB gets the reading system\'s colours written in', async () => {
    const folder = works({
      'folio.yaml': 'theme: themes/house\n',
      'brief.md': brief('author: Jane Doe\n'),
      'themes/house/theme.yaml': 'colors:\n  light:\n    brand: "#7a1f3d"\n',
      'themes/house/styles.css': '.title-block .title { color: var(--color-brand); }\n'
    })
    const run = await folio(['build', 'brief.md', '--out', 'out', '--format', 'html,epub'], {cwd: folder})
    assert.equal(run.code, 0, run.stderr)
    const html = readFileSync(path.join(folder, 'out', 'brief.html'), 'utf8')
    assert.match(html, /:root \{\n {2}--color-brand: #7a1f3d;\n {2}--color-accent: #7a1f3d;/)
    assert.match(html, /\.title-block \.title \{ color: var\(--color-brand\); \}/)
    const css = strFromU8(unzipSync(readFileSync(path.join(folder, 'out', 'brief.epub')))['EPUB/css/book.css']!)
    assert.doesNotMatch(css, /var\(/, 'e-readers get no custom properties')
    assert.doesNotMatch(css, /#7a1f3d/, 'no colour of the house in the EPUB: reading systems choose the page and the text')
    assert.match(css, /\.title-block \.title \{ color: currentColor; \}/)
    assert.match(css, /border-top: 0\.3em solid currentColor;/)
  })

  test('a face with PostScript (CFF) outlines prints as a TrueType font, not Type 3', async () => {
    const folder = works({
      'brief.md': brief('theme: house\n'),
      'house/theme.yaml': 'faces:\n  text:\n    family: Test Serif\n    regular: fonts/test.otf\n',
      'house/fonts/test.otf': {copy: path.join(fixtures, 'fonts', 'folio-test-cff.otf')}
    })
    const run = await folio(['build', 'brief.md', '--out', 'out', '--format', 'pdf,html'], {cwd: folder})
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /house\/theme\.yaml:3:5 {2}warning {2}Theme face `text` has no bold or italic file: such text is set in the regular face/)
    const fonts = await tool('pdffonts', [path.join(folder, 'out', 'brief.pdf')])
    assert.match(fonts, /FolioTestCFF.*CID TrueType/)
    assert.doesNotMatch(fonts, /Type 3/)
    const [first] = await pdfText(readFileSync(path.join(folder, 'out', 'brief.pdf')))
    assert.match(first!, /The text of the brief, one paragraph\./)
    // The HTML page carries the face subset to its characters, as WOFF2 (with its own CFF outlines: browsers print none).
    assert.match(readFileSync(path.join(folder, 'out', 'brief.html'), 'utf8'), /font-family: 'Test Serif';[^}]*src: url\(data:font\/woff2;base64,d09GM/)
  })

  test('the default theme\'s tokens are Folio\'s own colours, and each text colour reads on its background', async () => {
    const {theme} = await resolveTheme(undefined, projectRoot)
    const light = tokenValues(theme!, 'light')
    assert.equal(light.get('--color-brand'), '#0a4a7f')
    assert.equal(light.get('--font-text'), "'Source Serif 4', 'Noto Naskh Arabic', 'Noto Emoji', Georgia, 'Times New Roman', serif")
    assert.equal(withValues('a { color: var(--color-accent); border: 1px solid var(--color-rule, #000); }', light), 'a { color: #0a4a7f; border: 1px solid #d5d7dd; }')
    for (const scheme of colorSchemes) {
      for (const [text, background] of textOnBackground) {
        if (scheme !== 'light' && text === 'on-brand') continue
        const ratio = contrast(theme!.colors[scheme][text], theme!.colors[scheme][background])
        assert.ok(ratio >= 4.5, `${scheme}: ${text} on ${background} is ${ratio.toFixed(2)}:1`)
      }
    }
  })
})

describe('layouts', () => {
  test('a brief that names its publisher stays a brief; layout: book opens it as a book', async () => {
    const front = 'publisher: The Institute\nauthors:\n  - name: Jane Doe\n    affiliation: The Institute\ndate: 2023-03-01\n'
    const folder = works({'brief.md': brief(front), 'book.md': brief(`${front}layout: book\n`)})
    const run = await folio(['build', 'brief.md', 'book.md', '--out', 'out', '--format', 'pdf,epub'], {cwd: folder})
    assert.equal(run.code, 0, run.stderr)
    const briefPages = await pdfText(readFileSync(path.join(folder, 'out', 'brief.pdf')))
    assert.equal(briefPages.length, 1)
    assert.match(briefPages[0]!, /A Brief[\s\S]*Jane Doe, The Institute[\s\S]*March 2023[\s\S]*The text of the brief/)
    const bookPages = await pdfText(readFileSync(path.join(folder, 'out', 'book.pdf')))
    assert.equal(bookPages.length, 3, 'a title page, a copyright page, the text')
    assert.doesNotMatch(bookPages[0]!, /The text of the brief/)
    assert.match(bookPages[1]!, /Published March 2023/)
    assert.match(bookPages[2]!, /The text of the brief/)
    const entries = (name: string) => Object.keys(unzipSync(readFileSync(path.join(folder, 'out', name))))
    assert.ok(!entries('brief.epub').includes('EPUB/titlepage.xhtml'))
    assert.ok(entries('brief.epub').includes('EPUB/colophon.xhtml'))
    assert.ok(entries('book.epub').includes('EPUB/titlepage.xhtml') && entries('book.epub').includes('EPUB/copyright.xhtml'))
  })
})

test('the slots are one list: Folio\'s templates use them, docs/templates.md names them all', () => {
  const docs = readFileSync(path.join(projectRoot, 'docs', 'templates.md'), 'utf8')
  for (const [name, slots] of Object.entries(templateSlots)) {
    const source = readFileSync(path.join(projectRoot, 'templates', name), 'utf8').replace(/<!--[\s\S]*?-->/g, '')
    const used = new Set([...source.matchAll(/data-slot(?:-[\w:-]+)?="([^"]+)"/g)].map((match) => match[1]!))
    assert.deepEqual([...used].filter((slot) => !slots.includes(slot)), [], `${name} uses no slot outside its list`)
    assert.deepEqual(slots.filter((slot) => !used.has(slot)), [], `${name} uses every slot of its list`)
    assert.deepEqual(slots.filter((slot) => !docs.includes(`\`${slot}\``)), [], `docs/templates.md names every slot of ${name}`)
  }
})
