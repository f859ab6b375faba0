/**
 * End to end: the `folio` command (in this process, and once as a process)
 * on the brief and on hostile works, with the real Nu HTML Checker.
 */
import assert from 'node:assert/strict'
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {fixtures, folio, nuCheck, plainQuotes, projectRoot, runFolio, scratchFolder, seedParagraphs, visibleText, type Run} from './harness.ts'

const briefOut = scratchFolder('brief')
const brief = path.join(briefOut, 'winning-the-peace-in-ukraine.html')
/** Every HTML edition the tests build, checked by one run of the Nu checker at the end. */
const validated: string[] = []

describe('the brief', () => {
  let build: Run
  let html: string
  before(async () => {
    build = await folio(['build', '--out', briefOut])
    html = readFileSync(brief, 'utf8')
    validated.push(brief)
  })

  test('builds with exit 0, one progress line and a summary', () => {
    assert.equal(build.code, 0, build.stderr)
    assert.equal(build.stderr, '')
    assert.match(build.stdout, /^html +\S+winning-the-peace-in-ukraine\.html +[\d.]+ kB +\d+ ms$/m)
    assert.match(build.stdout, /^pdf +\S+winning-the-peace-in-ukraine\.pdf +[\d.]+ kB +\d+ pages +\d+ ms$/m)
    assert.match(build.stdout, /^ +1,595 words, 1 chapter; report: \S+winning-the-peace-in-ukraine\.report\.json$/m)
    assert.match(build.stdout, /^epub +\S+winning-the-peace-in-ukraine\.epub +[\d.]+ kB +\d+ ms$/m)
    assert.match(build.stdout, /^Built 3 editions \(1 of 1 work\) in [\d.]+ s$/m)
  })

  test('every paragraph of the seed is in the visible text, in order', () => {
    const text = plainQuotes(visibleText(html))
    let from = 0
    for (const paragraph of seedParagraphs()) {
      const at = text.indexOf(plainQuotes(paragraph), from)
      assert.notEqual(at, -1, `missing or out of order: ${paragraph.slice(0, 60)}…`)
      from = at + 1
    }
  })

  test('the straight apostrophe of the source is curled', () => {
    assert.ok(visibleText(html).includes('It’s a clarifying moment'))
    assert.ok(!visibleText(html).includes("It's a clarifying moment"))
  })

  test('the page carries its language, title, description, Open Graph and JSON-LD', () => {
    assert.match(html, /<html lang="en" dir="ltr">/)
    assert.match(html, /<title>Winning the Peace in Ukraine<\/title>/)
    assert.match(html, /<meta name="description" content="A policy brief/)
    assert.match(html, /<meta property="og:title" content="Winning the Peace in Ukraine">/)
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">([^<]*)<\/script>/.exec(html)![1]!) as Record<string, unknown>
    assert.equal(jsonLd.name, 'Winning the Peace in Ukraine')
    assert.equal(jsonLd.inLanguage, 'en')
    assert.equal(jsonLd.author, undefined, 'the brief names no author; none may be invented')
  })

  test('no remote resources; fonts are embedded', () => {
    assert.doesNotMatch(html, /(src|href)="https?:/)
    assert.doesNotMatch(html, /url\((?!data:)/)
    assert.match(html, /@font-face \{\s+font-family: 'Source Serif 4';[^}]+src: url\(data:font\/woff2;base64,/)
  })

  test('one heading: no table of contents', () => {
    assert.doesNotMatch(html, /class="toc"/)
  })

  test('the PDF and EPUB built beside it get download links', () => {
    assert.match(html, /<a href="winning-the-peace-in-ukraine\.pdf" download type="application\/pdf" title="Download the PDF edition">PDF<\/a>/)
    assert.match(html, /<a href="winning-the-peace-in-ukraine\.epub" download type="application\/epub\+zip" title="Download the EPUB edition for e-readers">EPUB<\/a>/)
  })
})

describe('the HTML edition links to editions that exist beside it', () => {
  test('a PDF already in the output folder gets a download link', async () => {
    const out = scratchFolder('siblings')
    writeFileSync(path.join(out, 'winning-the-peace-in-ukraine.pdf'), '%PDF-1.7\n')
    const build = await folio(['build', 'manuscript/winning-the-peace-in-ukraine.md', '--format', 'html', '--out', out])
    assert.equal(build.code, 0, build.stderr)
    const html = readFileSync(path.join(out, 'winning-the-peace-in-ukraine.html'), 'utf8')
    assert.match(html, /<a href="winning-the-peace-in-ukraine\.pdf" download type="application\/pdf"/)
    assert.doesNotMatch(html, /\.epub"/)
    validated.push(path.join(out, 'winning-the-peace-in-ukraine.html'))
  })
})

describe('works of chapters', () => {
  test('a folder without book.yaml: natural order, cross-chapter links, a nested table of contents', async () => {
    const out = scratchFolder('book')
    const build = await folio(['build', path.join(fixtures, 'book-natural-order'), '--format', 'html', '--out', out])
    assert.equal(build.code, 0, build.stderr)
    const file = path.join(out, 'book-natural-order.html')
    const html = readFileSync(file, 'utf8')
    const text = visibleText(html)
    assert.ok(text.indexOf('First details') < text.indexOf('Second details'))
    assert.ok(text.indexOf('Second details') < text.indexOf('Last chapter'))
    assert.match(html, /<nav class="toc" aria-labelledby="folio-toc-title">/)
    assert.match(html, /<li class="toc-chapter"><a href="#beginnings">Beginnings<\/a><ol>\s*<li><a href="#details">Details<\/a><\/li>/)
    assert.match(html, /<a href="#details-1">the middle<\/a>/)
    assert.match(html, /<meta name="author" content="A. Writer">/)
    assert.match(build.stderr, /chapter-2\.md:11:5 +warning +Link to `chapter-3\.md`, which is not a chapter of this work/)
    validated.push(file)
  })

  test('manuscript/ with several works builds each; a folder of images is not a work', async () => {
    const project = scratchFolder('project')
    mkdirSync(path.join(project, 'manuscript', 'images'), {recursive: true})
    writeFileSync(path.join(project, 'manuscript', 'images', 'note.txt'), 'not a work')
    writeFileSync(path.join(project, 'manuscript', 'essay.md'), '---\ntitle: An Essay\nlang: en\n---\n\nText.\n')
    cpSync(path.join(fixtures, 'book-yaml'), path.join(project, 'manuscript', 'Ein Buch'), {recursive: true})
    const build = await folio(['build', '--format', 'html'], {cwd: project})
    assert.equal(build.code, 0, build.stderr)
    assert.ok(existsSync(path.join(project, 'output', 'essay.html')))
    assert.ok(existsSync(path.join(project, 'output', 'ein-buch.html')))
    assert.match(build.stdout, /Built 2 editions \(2 of 2 works\)/)
    const german = readFileSync(path.join(project, 'output', 'ein-buch.html'), 'utf8')
    assert.match(german, /<html lang="de" dir="ltr">/)
    assert.ok(visibleText(german).includes('Er sagte „Hallo“ – und ging.'))
    assert.ok(visibleText(german).indexOf('Ein Vorwort') < visibleText(german).indexOf('Er sagte'), 'book.yaml order')
    validated.push(path.join(project, 'output', 'ein-buch.html'))
  })
})

describe('the URL policy', () => {
  const project = scratchFolder('hostile')
  const work = path.join(project, 'work')
  const out = path.join(project, 'out')
  const secret = 'OUTSIDE-THE-WORK-7f3a'
  let build: Run
  before(async () => {
    mkdirSync(work)
    writeFileSync(path.join(project, 'x.png'), secret)
    writeFileSync(
      path.join(work, 'hostile.md'),
      [
        '---',
        'title: Hostile',
        'lang: en',
        '---',
        '',
        '![Parent](../x.png)',
        '',
        '![Host](/etc/hostname)',
        '',
        '![Passwords](file:///etc/passwd)',
        '',
        '<img src="../x.png" alt="Raw parent"> <iframe src="file:///etc/passwd"></iframe>',
        '',
        '[Run](javascript:alert(1))',
        ''
      ].join('\n')
    )
    build = await folio(['build', 'work/hostile.md', '--format', 'html', '--out', out], {cwd: project})
  })

  test('refuses each image with a positioned warning and still builds', () => {
    assert.equal(build.code, 0, build.stderr)
    assert.match(build.stderr, /^work\/hostile\.md:6:1 +warning +Image `\.\.\/x\.png` refused: it is outside the work's folder/m)
    assert.match(build.stderr, /^work\/hostile\.md:8:1 +warning +Image `\/etc\/hostname` refused/m)
    assert.match(build.stderr, /^work\/hostile\.md:10:1 +warning +Image `file:\/\/\/etc\/passwd` refused/m)
    assert.match(build.stderr, /^work\/hostile\.md:12:1 +warning +Image `\.\.\/x\.png` refused/m)
    assert.match(build.stderr, /^work\/hostile\.md:12:\d+ +warning +Raw HTML: removed <iframe> element/m)
    assert.match(build.stderr, /^work\/hostile\.md:14:1 +warning +Link to a `javascript:` URL refused/m)
  })

  test('nothing from outside the folder reaches the edition; the alt text stands in', () => {
    const file = path.join(out, 'hostile.html')
    const html = readFileSync(file, 'utf8')
    const hostname = readFileSync('/etc/hostname', 'utf8').trim()
    assert.doesNotMatch(html, /<img|<iframe|javascript:/)
    assert.ok(!html.includes(secret) && !html.includes(Buffer.from(secret).toString('base64')))
    assert.ok(!html.includes('root:x:0:0'))
    if (hostname.length > 6) assert.ok(!visibleText(html).includes(hostname))
    for (const alt of ['Parent', 'Host', 'Passwords', 'Raw parent', 'Run']) assert.ok(visibleText(html).includes(alt))
    validated.push(file)
  })

  test('--strict turns the warnings into errors: exit 1 and nothing written', async () => {
    const strictOut = path.join(project, 'strict-out')
    const strict = await folio(['build', 'work/hostile.md', '--strict', '--format', 'html', '--out', strictOut], {cwd: project})
    assert.equal(strict.code, 1)
    assert.match(strict.stderr, /^work\/hostile\.md:6:1 +error +Image `\.\.\/x\.png` refused/m)
    assert.ok(!existsSync(path.join(strictOut, 'hostile.html')))
  })
})

describe('images', () => {
  test('an image inside the work is embedded; one outside is not read', async () => {
    const out = scratchFolder('images')
    const build = await folio(['build', path.join(fixtures, 'url-policy', 'input.md'), '--format', 'html', '--out', out])
    assert.equal(build.code, 0, build.stderr)
    const file = path.join(out, 'input.html')
    const html = readFileSync(file, 'utf8')
    const chart = readFileSync(path.join(fixtures, 'url-policy', 'images', 'chart.png')).toString('base64')
    const outside = readFileSync(path.join(fixtures, 'url-policy-outside.png')).toString('base64')
    assert.ok(html.includes(`<img src="data:image/png;base64,${chart}" alt="A chart" width="4" height="3">`))
    assert.ok(!html.includes(outside))
    validated.push(file)
  })
})

describe('broken manuscripts and bad usage', () => {
  test('an unclosed quote in the front matter: exit 1, file:line named, the earlier edition untouched', async () => {
    const project = scratchFolder('broken')
    const source = path.join(project, 'brief.md')
    writeFileSync(source, '---\ntitle: Good\nlang: en\n---\n\nText.\n')
    assert.equal((await folio(['build', 'brief.md', '--format', 'html', '--out', 'out'], {cwd: project})).code, 0)
    const edition = path.join(project, 'out', 'brief.html')
    const good = readFileSync(edition)
    const goodTime = statSync(edition).mtimeMs

    writeFileSync(source, '---\ntitle: "Winning the Peace\nlang: en\n---\n\nText.\n')
    const broken = await folio(['build', 'brief.md', '--format', 'html', '--out', 'out'], {cwd: project})
    assert.equal(broken.code, 1)
    assert.match(broken.stderr, /^brief\.md:2:8 +error +Front matter is not valid YAML: Missing closing "quote/m)
    assert.match(broken.stderr, /brief\.md: not built/)
    assert.deepEqual(readFileSync(edition), good)
    assert.equal(statSync(edition).mtimeMs, goodTime)
  })

  test('every problem of a run is listed, not just the first', async () => {
    const project = scratchFolder('many')
    writeFileSync(path.join(project, 'a.md'), '---\ntitle: [not, text]\nlang: xx-invalid-tag-!!\n---\n\n![Missing](gone.png)\n')
    const build = await folio(['build', 'a.md', '--format', 'html', '--out', 'out'], {cwd: project})
    assert.equal(build.code, 1)
    assert.match(build.stderr, /^a\.md:2:8 +error +Front-matter field `title` must be text/m)
    assert.match(build.stderr, /^a\.md:3:7 +error +Front-matter field `lang` is not a BCP 47 language tag/m)
    assert.match(build.stderr, /^a\.md:6:1 +warning +Image not found: gone\.png/m)
  })

  test('a file name with a newline or an escape is printed escaped: one line a message, no control character', async () => {
    const project = scratchFolder('names')
    const work = path.join(project, 'work')
    mkdirSync(work)
    writeFileSync(path.join(work, '01-forged\nfolio: built everything.md'), '---\ntitle: Names\nlang: en\n---\n\n# One\n\n[gone](gone.html)\n')
    writeFileSync(path.join(work, '02-\u001B[2J\u001B]0;owned\u0007red.md'), '# Two\n\n[gone](gone.html)\n')
    const build = await folio(['build', 'work', '--format', 'html', '--out', 'out'], {cwd: project})
    assert.equal(build.code, 0, build.stderr)
    const lines = build.stderr.trimEnd().split('\n')
    assert.deepEqual(lines.map((line) => line.replace(/  warning  .*/, '')), ['work/01-forged\\nfolio: built everything.md:8:1', 'work/02-\\x1B[2J\\x1B]0;owned\\x07red.md:3:1'])
    const missing = await folio(['build', 'no\u001B[31m\nsuch.md'], {cwd: project})
    assert.equal(missing.code, 2)
    assert.equal(missing.stderr, 'folio: No such file or folder: no\\x1B[31m\\nsuch.md\n')
    assert.doesNotMatch(build.stdout + build.stderr + missing.stderr, /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/)
  })

  test('usage errors exit 2', async () => {
    const format = await folio(['build', '--format', 'html,docx', '--out', scratchFolder('usage')])
    assert.equal(format.code, 2)
    assert.match(format.stderr, /Unknown format `docx`: choose from html, pdf, epub, pdf-print/)
    const size = await folio(['build', '--page-size', 'a5', '--out', scratchFolder('usage')])
    assert.equal(size.code, 2)
    assert.match(size.stderr, /argument 'a5' is invalid\. Allowed choices are a4, letter, 6x9in, 5\.5x8\.5in/)
    const missing = await folio(['build', 'no-such-work.md'])
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /No such file or folder: no-such-work\.md/)
    assert.equal((await folio(['build', '--no-such-option'])).code, 2)
    assert.equal((await folio(['publish'])).code, 2)
    const epoch = await folio(['build', '--format', 'html', '--out', scratchFolder('epoch')], {env: {SOURCE_DATE_EPOCH: 'yesterday'}})
    assert.equal(epoch.code, 2)
    assert.match(epoch.stderr, /SOURCE_DATE_EPOCH must be a whole number/)
    const far = await folio(['build', '--format', 'epub', '--out', scratchFolder('epoch')], {env: {SOURCE_DATE_EPOCH: '99999999999999999999'}})
    assert.equal(far.code, 2)
    assert.match(far.stderr, /^folio: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 \(at most 8640000000000\), not `99999999999999999999`$/m)
  })

  test('--help and --version exit 0', async () => {
    const help = await folio(['build', '--help'])
    assert.equal(help.code, 0)
    assert.match(help.stdout, /Usage: folio build \[options\] \[work\.\.\.\]/)
    assert.match(help.stdout, /--format <list>/)
    const version = await folio(['--version'])
    assert.equal(version.code, 0)
    const expected = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {version: string}).version
    assert.equal(version.stdout.trim(), expected)
  })
})

describe('the folio command', () => {
  test('runs as a process from its bundle: builds, prints, exits 0', async () => {
    const out = scratchFolder('process')
    const build = await runFolio(['build', 'manuscript/winning-the-peace-in-ukraine.md', '--format', 'html', '--out', out])
    assert.equal(build.code, 0, build.stderr)
    assert.match(build.stdout, /^Built 1 edition \(1 of 1 work\) in [\d.]+ s$/m)
    assert.ok(existsSync(path.join(out, 'winning-the-peace-in-ukraine.html')))
    const usage = await runFolio(['build', '--format', 'docx'])
    assert.equal(usage.code, 2, 'a usage error is the process\'s exit code')
  })

  test('its bundle walks trees without naming a function after every node it visits (build/folio.js, unnamedVisitors)', () => {
    const bundle = path.join(projectRoot, 'node_modules', '.cache', 'folio', 'bundle')
    const code = readdirSync(bundle)
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => readFileSync(path.join(bundle, name), 'utf8'))
      .join('\n')
    assert.match(code, /function visitParents\w*\(tree,/, 'unist-util-visit-parents is in the bundle')
    assert.doesNotMatch(code, /defineProperty\(visit\w*,\s*"name"/)
  })

  // The browser is started before the works are found: a run that finds none must still end (it waited for the browser).
  test('a folder with no work is a usage error, and the process ends', async () => {
    const empty = scratchFolder('no-work')
    const build = await runFolio(['build', empty, '--out', path.join(empty, 'out')], {killAfter: 60_000})
    assert.equal(build.code, 2, build.stderr)
    assert.match(build.stderr, /No works in .*: add a Markdown file or a folder of chapters/)
  })
})

describe('reproducible', () => {
  test('the same input and SOURCE_DATE_EPOCH give byte-identical editions', async () => {
    const first = scratchFolder('repro-1')
    const second = scratchFolder('repro-2')
    const env = {SOURCE_DATE_EPOCH: '1700000000'}
    assert.equal((await folio(['build', '--format', 'html', '--out', first], {env})).code, 0)
    assert.equal((await folio(['build', '--format', 'html', '--out', second], {env})).code, 0)
    const name = 'winning-the-peace-in-ukraine.html'
    assert.deepEqual(readFileSync(path.join(first, name)), readFileSync(path.join(second, name)))
  })
})

after(async () => {
  const messages = await nuCheck(validated)
  const errors = messages.filter((message) => message.type === 'error' || message.subType === 'fatal')
  assert.deepEqual(errors, [], 'the Nu HTML Checker reports no errors')
  assert.ok(validated.length >= 5, `the Nu checker saw ${validated.length} editions`)
})
