/**
 * One date, read once: the manuscript's `date` is UTC unless it names a
 * zone, so the same input builds the same bytes under every TZ; without
 * SOURCE_DATE_EPOCH or a date, no file time or clock reaches an edition.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'
import {strFromU8, unzipSync} from 'fflate'
import {publicationDate} from '../build/document/settings.ts'
import {folio, scratchFolder} from './harness.ts'

describe('the publication date', () => {
  test('is read as UTC when it names no zone, in every form the front matter allows', () => {
    assert.equal(publicationDate('2024')?.toISOString(), '2024-01-01T00:00:00.000Z')
    assert.equal(publicationDate('2024-03')?.toISOString(), '2024-03-01T00:00:00.000Z')
    assert.equal(publicationDate('2024-03-01')?.toISOString(), '2024-03-01T00:00:00.000Z')
    assert.equal(publicationDate('2024-03-01T10:00')?.toISOString(), '2024-03-01T10:00:00.000Z')
    assert.equal(publicationDate('2024-03-01 10:00:30')?.toISOString(), '2024-03-01T10:00:30.000Z')
    assert.equal(publicationDate('2024-03-01T10:00+09:00')?.toISOString(), '2024-03-01T01:00:00.000Z')
    assert.equal(publicationDate('2024-03-01T10:00-0500')?.toISOString(), '2024-03-01T15:00:00.000Z')
    assert.equal(publicationDate('2024-02-30'), undefined)
    assert.equal(publicationDate('March 2024'), undefined)
  })

  test('the same manuscript builds the same EPUB and PDF under two time zones', async () => {
    const project = scratchFolder('time-zones')
    writeFileSync(path.join(project, 'dated.md'), '---\ntitle: Dated\nlang: en\ndate: 2024-03-01T10:00\n---\n\nA text with a date and a time but no zone.\n')
    const saved = process.env.TZ
    const built: Record<string, Buffer[]> = {epub: [], pdf: []}
    try {
      for (const zone of ['UTC', 'Asia/Tokyo']) {
        // Node takes a new TZ at once: later dates are read in that zone.
        process.env.TZ = zone
        const out = `out-${zone.replace('/', '-')}`
        const build = await folio(['build', 'dated.md', '--format', 'epub,pdf', '--out', out], {cwd: project})
        assert.equal(build.code, 0, build.stderr)
        for (const format of ['epub', 'pdf']) built[format]!.push(readFileSync(path.join(project, out, `dated.${format}`)))
      }
    } finally {
      if (saved === undefined) delete process.env.TZ
      else process.env.TZ = saved
    }
    const opf = strFromU8(unzipSync(built.epub![0]!)['EPUB/package.opf']!)
    assert.match(opf, /<dc:date>2024-03-01T10:00:00Z<\/dc:date>/)
    assert.match(opf, /<meta property="dcterms:modified">2024-03-01T10:00:00Z<\/meta>/)
    assert.ok(built.epub![0]!.equals(built.epub![1]!), 'the EPUB is the same bytes under UTC and Asia/Tokyo')
    assert.ok(built.pdf![0]!.equals(built.pdf![1]!), 'the PDF is the same bytes under UTC and Asia/Tokyo')
  })

  test('without SOURCE_DATE_EPOCH or a date, no file time reaches the EPUB', async () => {
    const project = scratchFolder('undated')
    const source = path.join(project, 'undated.md')
    writeFileSync(source, '---\ntitle: Undated\nlang: en\n---\n\nNo date at all.\n')
    const first = await folio(['build', 'undated.md', '--format', 'epub', '--out', 'one'], {cwd: project})
    assert.equal(first.code, 0, first.stderr)
    // The same text saved again later: a new file time, the same book.
    writeFileSync(source, readFileSync(source))
    const second = await folio(['build', 'undated.md', '--format', 'epub', '--out', 'two'], {cwd: project})
    assert.equal(second.code, 0, second.stderr)
    const [one, two] = ['one', 'two'].map((out) => readFileSync(path.join(project, out, 'undated.epub')))
    assert.ok(one!.equals(two!))
    const opf = strFromU8(unzipSync(one!)['EPUB/package.opf']!)
    assert.doesNotMatch(opf, /<dc:date>/)
    assert.match(opf, /<meta property="dcterms:modified">1980-01-01T00:00:00Z<\/meta>/)
  })
})
