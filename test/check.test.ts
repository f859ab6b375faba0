/**
 * `folio check`, `folio build --check` and `--reproducible-check`, and the
 * build report: on the brief, and on editions broken on purpose.
 */
import assert from 'node:assert/strict'
import {cpSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {before, describe, test} from 'node:test'
import {strToU8, unzipSync, zipSync, type Zippable} from 'fflate'
import {PDFDocument, PDFName} from 'pdf-lib'
import {checkHtml, parseHtml} from '../build/check/html-check.ts'
import {compareRebuilds} from '../build/check/reproducible.ts'
import {runEpubcheck} from '../build/check/tools.ts'
import {editions} from '../build/editions/index.ts'
import {folio, projectRoot, scratchFolder, type Run} from './harness.ts'

const brief = path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md')
const slug = 'winning-the-peace-in-ukraine'

/** A project with the brief built into out/. */
async function builtBrief(name: string): Promise<string> {
  const project = scratchFolder(name)
  cpSync(brief, path.join(project, 'brief.md'))
  const build = await folio(['build', 'brief.md', '--out', 'out'], {cwd: project, env: {SOURCE_DATE_EPOCH: '1700000000'}})
  assert.equal(build.code, 0, build.stderr)
  return project
}

/** The line of the brief where a paragraph starts. */
function lineOf(start: string): number {
  return readFileSync(brief, 'utf8').split('\n').findIndex((line) => line.startsWith(start)) + 1
}

describe('folio check on the brief', () => {
  let check: Run
  before(async () => {
    const project = await builtBrief('check')
    check = await folio(['check', 'brief.md', '--out', 'out', '--no-validators'], {cwd: project})
  })

  test('passes Folio\'s own checks and text fidelity in every edition', () => {
    assert.equal(check.code, 0, check.stdout + check.stderr)
    for (const edition of ['html', 'pdf', 'epub']) {
      for (const name of ['own checks', 'text fidelity']) assert.match(check.stdout, new RegExp(`^  ${edition} +${name} +pass  `, 'm'), `${edition} ${name}`)
    }
    assert.match(check.stdout, /^  pdf +text fidelity +pass  19 paragraphs and 1 heading in order, word for word in pdf.js, poppler and MuPDF$/m)
    assert.match(check.stdout, /^Checked 1 work: 6 passed, 0 failed, 0 skipped$/m)
  })
})

describe('broken editions fail with clear, positioned messages', () => {
  let project: string
  before(async () => {
    project = await builtBrief('broken-editions')
  })

  test('a paragraph dropped from the HTML edition is named with its line in the manuscript', async () => {
    const file = path.join(project, 'out', 'brief.html')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/<p>On its own, however,[^<]*<\/p>/, ''))
    const check = await folio(['check', 'brief.md', '--out', 'out', '--format', 'html', '--no-validators'], {cwd: project})
    assert.equal(check.code, 1)
    assert.match(check.stdout, /^  html +text fidelity +FAIL  1 problem$/m)
    assert.doesNotMatch(check.stdout, /Nu HTML Checker/, 'no validator runs under --no-validators')
    assert.match(check.stderr, new RegExp(`^brief\\.md:${lineOf('On its own')}:1 +error +Paragraph missing from the html edition: “On its own, however, expelling Russian troops from Ukraine won’t win the peace\\.”  fidelity$`, 'm'))
  })

  test('a paragraph moved is out of order', async () => {
    const file = path.join(project, 'out', 'brief.html')
    const html = readFileSync(file, 'utf8')
    const last = /<p>It’s an opportunity we can’t afford to lose\.<\/p>/.exec(html)![0]
    writeFileSync(file, html.replace(last, '').replace('<main id="folio-text">', `<main id="folio-text">${last}`))
    const check = await folio(['check', 'brief.md', '--out', 'out', '--format', 'html', '--no-validators'], {cwd: project})
    assert.equal(check.code, 1)
    assert.match(check.stderr, new RegExp(`^brief\\.md:${lineOf('It’s an opportunity')}:1 +error +Paragraph out of order in the html edition`, 'm'))
  })

  test('an EPUB with a missing manifest item', async () => {
    const file = path.join(project, 'out', 'brief.epub')
    const book = unzipSync(readFileSync(file))
    delete book['EPUB/css/book.css']
    const entries: Zippable = {mimetype: [strToU8('application/epub+zip'), {level: 0}]}
    for (const [name, bytes] of Object.entries(book)) if (name !== 'mimetype') entries[name] = bytes
    writeFileSync(file, zipSync(entries))
    const check = await folio(['check', 'brief.md', '--out', 'out', '--format', 'epub', '--no-validators'], {cwd: project})
    assert.equal(check.code, 1)
    assert.match(check.stdout, /^  epub +own checks +FAIL  1 problem\n +manifest item css \(css\/book\.css\) is not in the container$/m)
  })

  test('a PDF with an untagged page', async () => {
    const file = path.join(project, 'out', 'brief.pdf')
    const pdf = await PDFDocument.load(readFileSync(file), {updateMetadata: false})
    pdf.getPages()[1]!.node.delete(PDFName.of('StructParents'))
    writeFileSync(file, await pdf.save({useObjectStreams: false}))
    const check = await folio(['check', 'brief.md', '--out', 'out', '--format', 'pdf', '--no-validators'], {cwd: project})
    assert.equal(check.code, 1)
    assert.match(check.stdout, /^  pdf +own checks +FAIL  1 problem\n +page 2 is not tagged$/m)
  })

  test('an edition that was never built', async () => {
    const check = await folio(['check', 'brief.md', '--out', 'out', '--format', 'pdf-print', '--no-validators'], {cwd: project})
    assert.equal(check.code, 1)
    assert.match(check.stdout, /^  pdf-print +exists +FAIL  not built\n +brief\.print\.pdf is not in \S+: build it first$/m)
  })
})

describe('folio build --check, --reproducible-check and the report', () => {
  test('build --check builds, then runs Folio\'s own checks (the validators run with the exhaustive suite); --reproducible-check builds again and compares', async () => {
    const project = scratchFolder('build-check')
    cpSync(brief, path.join(project, 'brief.md'))
    const build = await folio(['build', 'brief.md', '--out', 'out', '--check', '--no-validators', '--reproducible-check'], {cwd: project})
    assert.equal(build.code, 0, build.stdout + build.stderr)
    assert.match(build.stdout, /^Checks of brief$/m)
    for (const [edition, name] of [
      ['html', 'own checks'], ['html', 'text fidelity'],
      ['pdf', 'own checks'], ['pdf', 'text fidelity'],
      ['epub', 'own checks'], ['epub', 'text fidelity']
    ]) {
      assert.match(build.stdout, new RegExp(`^  ${edition} +${name} +pass  `, 'm'), `${edition} ${name}`)
    }
    assert.doesNotMatch(build.stdout, /EPUBCheck|Nu HTML Checker|Ace by DAISY/)
    for (const edition of ['html', 'pdf', 'epub']) assert.match(build.stdout, new RegExp(`^  ${edition} +reproducible +pass  [\\d,]+ bytes, identical$`, 'm'))
    assert.match(build.stdout, /^Checks: 9 passed, 0 failed, 0 skipped$/m)
    const report = JSON.parse(readFileSync(path.join(project, 'out', 'brief.report.json'), 'utf8')) as {
      words: number
      chapters: number
      editions: Array<{format: string; bytes: number; pages?: number}>
      messages: unknown[]
      checks: Array<{edition: string; check: string; status: string}>
    }
    assert.equal(report.words, 1595)
    assert.equal(report.chapters, 1)
    assert.deepEqual(report.editions.map((edition) => edition.format), ['html', 'pdf', 'epub'])
    assert.equal(report.editions[1]!.pages, 4)
    assert.ok(report.editions.every((edition) => edition.bytes > 1000))
    assert.deepEqual(report.messages, [])
    assert.equal(report.checks.length, 6)
    assert.ok(report.checks.every((check) => check.status === 'pass'))
  })

  test('a difference between two builds is named', async () => {
    const project = await builtBrief('differs')
    const out = path.join(project, 'out')
    const epub = unzipSync(readFileSync(path.join(out, 'brief.epub')))
    epub['EPUB/package.opf'] = strToU8(new TextDecoder().decode(epub['EPUB/package.opf']).replace('2023-11-14T22:13:20Z', '2024-01-01T00:00:00Z'))
    const html = readFileSync(path.join(out, 'brief.html'), 'utf8').replace('<title>', '<title>X')
    const pdf = readFileSync(path.join(out, 'brief.pdf'))
    pdf[pdf.length - 10] = pdf[pdf.length - 10]! ^ 1
    const difference = (format: string) => editions.find((edition) => edition.format === format)!.difference
    const results = await compareRebuilds([
      {format: 'epub', target: path.join(out, 'brief.epub'), bytes: zipSync(epub), difference: difference('epub')},
      {format: 'html', target: path.join(out, 'brief.html'), bytes: strToU8(html), difference: difference('html')},
      {format: 'pdf', target: path.join(out, 'brief.pdf'), bytes: pdf, difference: difference('pdf')}
    ])
    assert.deepEqual(results.map((result) => result.status), ['fail', 'fail', 'fail'])
    assert.match(results[0]!.problems[0]!, /^EPUB\/package\.opf: line \d+: ".*2023-11-14T22:13:20Z.*" then ".*2024-01-01T00:00:00Z.*"$/)
    assert.match(results[1]!.problems[0]!, /^line \d+: "<title>Winning the Peace in Ukraine<\/title>" then "<title>XWinning/)
    assert.match(results[2]!.problems[0]!, new RegExp(`^byte ${pdf.length - 10}: `))
  })
})

describe('an outside checker that fails to run', () => {
  test('is a failed check with one clear line, not a stack', async () => {
    const project = await builtBrief('checker-crash')
    const broken = path.join(project, 'not-a.jar')
    writeFileSync(broken, 'this is not a jar')
    const saved = process.env.EPUBCHECK_JAR
    process.env.EPUBCHECK_JAR = broken
    try {
      const result = await runEpubcheck(path.join(project, 'out', 'brief.epub'))
      assert.equal(result.status, 'fail')
      assert.equal(result.summary, 'did not run')
      assert.equal(result.problems.length, 1)
      assert.match(result.problems[0]!, /^EPUBCheck could not run: .*(corrupt|jarfile|Invalid)/i)
      assert.doesNotMatch(result.problems[0]!, /\n|    at /)
    } finally {
      if (saved === undefined) delete process.env.EPUBCHECK_JAR
      else process.env.EPUBCHECK_JAR = saved
    }
  })
})

test('a <link> that names a page (canonical, license) loads nothing; a stylesheet from elsewhere does', () => {
  const result = checkHtml(parseHtml('<!doctype html><html lang="en"><head><title>T</title><link rel="canonical" href="https://example.org/t"><link rel="stylesheet" href="https://example.org/t.css"></head><body></body></html>'))
  assert.deepEqual(result.problems, ['<link> loads https://example.org/t.css from elsewhere'])
})
