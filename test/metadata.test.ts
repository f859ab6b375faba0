/**
 * Metadata for publishing: authors' affiliations, ORCID iDs, addresses and
 * biographies; a work's DOI, licence, report number, disclaimer; each
 * checked where it is written, and the date and the recommended citation
 * written out for the work's language.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'
import {VFile} from 'vfile'
import {writtenDate} from '../build/document/written-date.ts'
import {citationCache, citationKey, citeprocCitation, cslItem, cslName, formatCitation, keptCitation, recommendedCitation, seriesParts} from '../build/pipeline/citation.ts'
import {toMetadata} from '../build/pipeline/metadata.ts'
import {workSchema} from '../build/read/front-matter-schema.ts'
import {readFields} from '../build/read/front-matter.ts'
import {doiOf, orcidOf} from '../build/read/identifiers.ts'
import {stringsFor} from '../build/strings.ts'

/** Front matter as it starts on line 2 of a file, read and mapped to metadata. */
function read(yaml: string) {
  const file = new VFile({path: 'brief.md'})
  const {fields, placeOf} = readFields(yaml, file, {line: 2, column: 1}, workSchema)
  const metadata = fields ? toMetadata(fields, 'brief', file, {line: 1, column: 1}, placeOf) : undefined
  const messages = file.messages.map((message) => `${message.line}:${message.column} ${message.fatal ? 'error' : 'warning'} ${message.reason}`)
  return {metadata, messages}
}

describe('authors', () => {
  test('an author entry carries affiliation, ORCID iD, e-mail, address and biography', () => {
    const {metadata, messages} = read(
      'title: T\nlang: en\nauthors:\n  - name: Jane Doe\n    affiliation: [Lindenfeld Institute, Northgate University]\n    orcid: https://orcid.org/0000-0002-1825-0097\n    email: jane@example.org\n    url: https://example.org/jane\n    bio: Jane Doe is a fellow.\n'
    )
    assert.deepEqual(messages, [])
    assert.deepEqual(metadata?.contributors, [
      {name: 'Jane Doe', role: 'aut', affiliations: ['Lindenfeld Institute', 'Northgate University'], orcid: '0000-0002-1825-0097', email: 'jane@example.org', url: 'https://example.org/jane', bio: 'Jane Doe is a fellow.'}
    ])
  })

  test('an unknown key inside an entry is a warning at it, with the key it is close to', () => {
    const {metadata, messages} = read('title: T\nlang: en\nauthors:\n  - name: Jane Doe\n    affiliaton: Lindenfeld Institute\n    institution: X\n    shoe-size: 9\n')
    assert.deepEqual(messages, [
      '6:5 warning Unknown field `affiliaton` in `authors[1]` is ignored (did you mean `affiliation`?)',
      '7:5 warning Unknown field `institution` in `authors[1]` is ignored (did you mean `affiliation`?)',
      '8:5 warning Unknown field `shoe-size` in `authors[1]` is ignored'
    ])
    assert.deepEqual(metadata?.contributors[0]?.affiliations, [])
  })

  test('an ORCID iD needs its check character right (ISO 7064 MOD 11-2)', () => {
    assert.equal(orcidOf('0000-0002-1825-0097'), '0000-0002-1825-0097')
    assert.equal(orcidOf('0000-0002-1694-233x'), '0000-0002-1694-233X')
    assert.equal(orcidOf('https://orcid.org/0000000218250097'), '0000-0002-1825-0097')
    assert.equal(orcidOf('0000-0002-1825-0098'), undefined)
    assert.equal(orcidOf('0000-0002-1825'), undefined)
    const {messages} = read('title: T\nlang: en\nauthors:\n  - name: Jane Doe\n    orcid: 0000-0002-1825-0098\n')
    assert.deepEqual(messages, ['6:12 error Front-matter field `authors.0.orcid` is not an ORCID iD (16 digits such as 0000-0002-1825-0097, the last a correct check character)'])
  })

  test('an e-mail or a web address that is not one is an error at it', () => {
    const {messages} = read('title: T\nlang: en\nauthors:\n  - name: Jane Doe\n    email: jane at example\n    url: example.org\n')
    assert.deepEqual(messages, [
      '6:12 error Front-matter field `authors.0.email` is not an e-mail address',
      '7:10 error Front-matter field `authors.0.url` is not a web address (https://…)'
    ])
  })
})

describe('the work', () => {
  test('a DOI is checked and kept bare', () => {
    assert.equal(doiOf('10.5555/lindenfeld.2023.07'), '10.5555/lindenfeld.2023.07')
    assert.equal(doiOf('https://doi.org/10.1000/xyz(123)'), '10.1000/xyz(123)')
    assert.equal(doiOf('doi:10.1000.10/abc'), '10.1000.10/abc')
    assert.equal(doiOf('10.12/abc'), undefined)
    assert.equal(doiOf('11.5555/abc'), undefined)
    assert.equal(read('title: T\nlang: en\ndoi: https://doi.org/10.5555/x\n').metadata?.doi, '10.5555/x')
    assert.deepEqual(read('title: T\nlang: en\ndoi: 10.55/x\n').messages, ['4:6 error Front-matter field `doi` is not a DOI (such as 10.5555/12345678)'])
  })

  test('a licence is an SPDX identifier, shown with its name and address', () => {
    assert.deepEqual(read('title: T\nlang: en\nlicense: cc-by-4.0\n').metadata?.license, {
      id: 'CC-BY-4.0', name: 'Creative Commons Attribution 4.0 International', url: 'https://creativecommons.org/licenses/by/4.0/'
    })
    const unknown = read('title: T\nlang: en\nlicense: CC-BY-4\n')
    assert.deepEqual(unknown.metadata?.license, {id: 'CC-BY-4'})
    assert.deepEqual(unknown.messages, ['4:10 warning `license: CC-BY-4` is not a licence Folio knows (did you mean `CC-BY-4.0`?): it is shown as written, without its name or a link'])
    assert.match(read('title: T\nlang: en\nlicence: MIT\n').messages[0]!, /^4:1 warning Unknown front-matter field `licence` is ignored \(did you mean `license`\?\)$/)
  })

  test('the publishing fields are read, typeset', () => {
    const {metadata, messages} = read(
      'title: T\nlang: en\nreport-number: LPB-7\npublisher-place: Lviv\nshort-title: "Short"\ndisclaimer: "The authors\' own views."\nurl: https://example.org/t\nlayout: book\n'
    )
    assert.deepEqual(messages, [])
    assert.equal(metadata?.reportNumber, 'LPB-7')
    assert.equal(metadata?.publisherPlace, 'Lviv')
    assert.equal(metadata?.shortTitle, 'Short')
    assert.equal(metadata?.disclaimer, 'The authors’ own views.')
    assert.equal(metadata?.url, 'https://example.org/t')
    assert.match(read('title: T\nlayout: pamphlet\n').messages.at(-1)!, /^3:9 error Front-matter field `layout` is not a layout Folio knows \(brief, book\)/)
  })
})

describe('the date, written out', () => {
  test('in the language\'s own words and house style', () => {
    assert.equal(writtenDate('2023-03-01', 'en', stringsFor('en').date), 'March 2023')
    assert.equal(writtenDate('2023-03-01', 'en-GB', stringsFor('en-GB').date), '1 March 2023')
    assert.equal(writtenDate('2023-03-01', 'uk', stringsFor('uk').date), '1 березня 2023 р.')
    assert.equal(writtenDate('2023-03-01', 'de', stringsFor('de').date), '1. März 2023')
  })

  test('never more precise than the manuscript, and the day as written whatever the zone', () => {
    assert.equal(writtenDate('2023-03', 'en-GB', 'day'), 'March 2023')
    assert.equal(writtenDate('2023-03', 'uk', 'day'), 'березень 2023 р.')
    assert.equal(writtenDate('2023', 'en', 'day'), '2023')
    assert.equal(writtenDate('2024-03-01T01:00+09:00', 'en-GB', 'day'), '1 March 2024')
  })
})

describe('the recommended citation', () => {
  const brief = read(
    [
      'title: Winning the Peace in Ukraine',
      'subtitle: Why security guarantees matter',
      'lang: en',
      'authors:',
      '  - name: Olena Marchenko',
      '    affiliation: Lindenfeld Institute',
      '  - Daniel Hart',
      'series: Lindenfeld Policy Briefs, No. 7',
      'publisher: Lindenfeld Institute',
      'publisher-place: Lviv',
      'date: 2023-03-01',
      'doi: 10.5555/lindenfeld.2023.07',
      ''
    ].join('\n')
  ).metadata!

  test('names are split as CSL wants them', () => {
    assert.deepEqual(cslName('Jane Doe'), {family: 'Doe', given: 'Jane'})
    assert.deepEqual(cslName('Doe, Jane'), {family: 'Doe', given: 'Jane'})
    assert.deepEqual(cslName('Ludwig van Beethoven'), {family: 'van Beethoven', given: 'Ludwig'})
    assert.deepEqual(cslName('UNESCO'), {literal: 'UNESCO'})
    assert.deepEqual(seriesParts('Lindenfeld Policy Briefs, No. 7'), {title: 'Lindenfeld Policy Briefs', number: '7'})
  })

  test('the metadata becomes a CSL-JSON item', () => {
    assert.deepEqual(cslItem(brief, 'report'), {
      id: brief.identifier,
      type: 'report',
      title: 'Winning the Peace in Ukraine: Why security guarantees matter',
      language: 'en',
      author: [{family: 'Marchenko', given: 'Olena'}, {family: 'Hart', given: 'Daniel'}],
      publisher: 'Lindenfeld Institute',
      'publisher-place': 'Lviv',
      'collection-title': 'Lindenfeld Policy Briefs',
      'collection-number': '7',
      issued: {'date-parts': [[2023, 3, 1]]},
      DOI: '10.5555/lindenfeld.2023.07'
    })
  })

  test('in Chicago, by citeproc-js with the CSL style and locale Folio ships', () => {
    const citation = recommendedCitation(brief, {style: 'chicago', kind: 'report', strings: stringsFor('en')}, citeprocCitation)!
    assert.equal(
      citation.text,
      'Marchenko, Olena, and Daniel Hart. Winning the Peace in Ukraine: Why Security Guarantees Matter. Lindenfeld Policy Briefs 7. Lindenfeld Institute, 2023. https://doi.org/10.5555/lindenfeld.2023.07.'
    )
    const element = (tag: string) => citation.content.find((node) => node.type === 'element' && node.tagName === tag)
    const link = element('a')
    assert.equal(link?.type === 'element' ? link.properties.href : undefined, 'https://doi.org/10.5555/lindenfeld.2023.07')
    assert.ok(element('i'), 'the title in italics')
    const ukrainian = recommendedCitation({...brief, lang: 'uk'}, {style: 'chicago', kind: 'report', strings: stringsFor('uk')}, citeprocCitation)!
    assert.match(ukrainian.text, /^Marchenko, Olena, і Daniel Hart\. /, 'the uk-UA locale\'s words')
    assert.equal(
      recommendedCitation(brief, {style: 'apa', kind: 'report', strings: stringsFor('en')}, citeprocCitation)!.text,
      'Marchenko, O., & Hart, D. (2023). Winning the Peace in Ukraine: Why security guarantees matter (Lindenfeld Policy Briefs 7). Lindenfeld Institute. https://doi.org/10.5555/lindenfeld.2023.07'
    )
  })

  test('what citeproc-js made is kept for the next build: a kept file is read, one cut short is made again', async () => {
    // An id of this test's own: no build shares its kept file.
    const item = {...cslItem(brief, 'report'), id: 'kept-citation-test'}
    const locale = {lang: 'en', strings: stringsFor('en')}
    const file = path.join(citationCache, `${citationKey(item, 'chicago', 'en')}.json`)
    const chicago = 'Marchenko, Olena, and Daniel Hart. Winning the Peace in Ukraine: Why Security Guarantees Matter. Lindenfeld Policy Briefs 7. Lindenfeld Institute, 2023. https://doi.org/10.5555/lindenfeld.2023.07.'
    try {
      mkdirSync(citationCache, {recursive: true})
      writeFileSync(file, '{"text": "Marchenko, Ol')
      assert.equal(keptCitation(item, 'chicago', locale, new Map()).text, chicago)
      // Kept whole once written (the write does not hold the build up).
      for (let tries = 0; tries < 100 && !readFileSync(file, 'utf8').endsWith('}'); tries++) await new Promise((resolve) => setTimeout(resolve, 50))
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as {text: string}).text, chicago)
      writeFileSync(file, JSON.stringify({text: 'as kept', html: 'as <i>kept</i>'}))
      assert.deepEqual(keptCitation(item, 'chicago', locale, new Map()), {text: 'as kept', html: 'as <i>kept</i>'})
      // Another style is another key.
      assert.notEqual(citationKey(item, 'apa', 'en'), citationKey(item, 'chicago', 'en'))
    } finally {
      rmSync(file, {force: true})
    }
  })

  test('in a language without a CSL locale, Folio\'s own formatter, in the language\'s words', () => {
    assert.equal(
      recommendedCitation({...brief, lang: 'ru'}, {style: 'chicago', kind: 'report', strings: stringsFor('ru')})!.text,
      'Marchenko, Olena и Daniel Hart. «Winning the Peace in Ukraine: Why security guarantees matter». Lindenfeld Policy Briefs, № 7. Lviv: Lindenfeld Institute, 1 марта 2023 г. https://doi.org/10.5555/lindenfeld.2023.07.'
    )
    const own = formatCitation(cslItem(brief, 'report'), 'chicago', {lang: 'en', strings: stringsFor('en')})
    assert.equal(own.text, 'Marchenko, Olena, and Daniel Hart. “Winning the Peace in Ukraine: Why security guarantees matter.” Lindenfeld Policy Briefs, no. 7. Lviv: Lindenfeld Institute, March 2023. https://doi.org/10.5555/lindenfeld.2023.07.')
  })

  test('Folio\'s own formatter, localized: British punctuation and date, Ukrainian words and quotation marks', () => {
    const british = formatCitation(cslItem({...brief, lang: 'en-GB'}, 'report'), 'chicago', {lang: 'en-GB', strings: stringsFor('en-GB')})
    assert.match(british.text, /“Winning the Peace in Ukraine: Why security guarantees matter”\. Lindenfeld Policy Briefs, no\. 7\. Lviv: Lindenfeld Institute, 1 March 2023\./)
    const ukrainian = formatCitation(cslItem({...brief, lang: 'uk'}, 'report'), 'chicago', {lang: 'uk', strings: stringsFor('uk')})
    assert.equal(
      ukrainian.text,
      'Marchenko, Olena і Daniel Hart. «Winning the Peace in Ukraine: Why security guarantees matter». Lindenfeld Policy Briefs, № 7. Lviv: Lindenfeld Institute, 1 березня 2023 р. https://doi.org/10.5555/lindenfeld.2023.07.'
    )
  })

  test('Folio\'s own formatter in APA 7, the title in italics', () => {
    const apa = formatCitation(cslItem(brief, 'report'), 'apa', {lang: 'en', strings: stringsFor('en')})
    assert.equal(apa.text, 'Marchenko, O., & Hart, D. (2023, March 1). Winning the Peace in Ukraine: Why security guarantees matter (Lindenfeld Policy Briefs No. 7). Lindenfeld Institute. https://doi.org/10.5555/lindenfeld.2023.07')
    assert.match(apa.html, /<i>Winning the Peace in Ukraine: Why security guarantees matter<\/i>/)
  })

  test('the manuscript\'s own citation wins; a work with neither author nor publisher has none', () => {
    assert.equal(recommendedCitation({...brief, citation: 'Cite me so.'}, {style: 'chicago', kind: 'report', strings: stringsFor('en')})?.text, 'Cite me so.')
    assert.equal(recommendedCitation(read('title: T\nlang: en\n').metadata!, {style: 'chicago', kind: 'report', strings: stringsFor('en')}), undefined)
  })
})
