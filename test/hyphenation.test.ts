import assert from 'node:assert/strict'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import v8 from 'node:v8'
import {test} from 'node:test'
import type {Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {forgetHyphenation, hyphenateTree, hyphenatorFor, type TextsHyphenated} from '../build/editions/pdf/hyphenation.ts'
import {forgetKeptHyphenation, keptHyphenationFile, readKeptHyphenation, writeKeptHyphenation} from '../build/editions/pdf/hyphenation-kept.ts'
import {cacheWritesSettled} from '../build/write-whole.ts'

const soft = '\u00AD'
const show = (text: string) => text.replaceAll(soft, '|')

function hyphenated(html: string, lang: string, used?: TextsHyphenated): string {
  const tree = unified().use(rehypeParse, {fragment: true}).parse(html) as Root
  hyphenateTree(tree, lang, used)
  return show(toHtml(tree))
}

test('running text gets soft hyphens from the language\'s patterns', () => {
  assert.equal(hyphenated('<p>Economic reconstruction begins</p>', 'en'), '<p>Eco|nomic re|con|struc|tion begins</p>')
  assert.equal(hyphenated('<p>Безпекові гарантії</p>', 'uk'), hyphenated('<p>Безпекові гарантії</p>', 'uk-UA'))
  assert.match(hyphenated('<p>Безпекові гарантії</p>', 'uk'), /\|/)
  assert.match(hyphenated('<p>Sicherheitsgarantien helfen</p>', 'de'), /Si\|cher\|heits/)
})

test('headings, code, addresses and short words stay whole', () => {
  const html = '<h2>Reconstruction</h2><p><code>reconstruction</code> <a href="https://example.org">https://example.org/reconstruction</a> mail editor@example.org www.reconstruction.org peace</p>'
  assert.doesNotMatch(hyphenated(html, 'en'), /\|/)
})

test('an element in another language uses that language\'s patterns', () => {
  const result = hyphenated('<p>Independence <span lang="de">Unabhängigkeitserklärung</span> today</p>', 'en')
  assert.match(result, /In\|de\|pen\|dence/)
  assert.match(result, /Un\|ab\|hän\|gig/)
})

test('a paragraph\'s last word breaks only before seven letters or more, also before a note reference', () => {
  assert.equal(hyphenated('<p>Guarantees need reconstruction.</p>', 'en'), '<p>Guar|an|tees need re|con|struction.</p>')
  assert.equal(hyphenated('<p>Reconstruction needs guarantees.</p>', 'en'), '<p>Re|con|struc|tion needs guarantees.</p>')
  assert.equal(hyphenated('<p>Reconstruction needs <em>guarantees</em>.<sup><a href="#n1">1</a></sup></p>', 'en'), '<p>Re|con|struc|tion needs <em>guarantees</em>.<sup><a href="#n1">1</a></sup></p>')
  assert.equal(hyphenated('<ul><li>Reconstruction</li><li>Guarantees matter</li></ul>', 'en'), '<ul><li>Re|con|struction</li><li>Guar|an|tees matter</li></ul>')
})

test('a language without patterns is left alone', () => {
  assert.equal(hyphenatorFor('zu'), undefined)
  assert.equal(hyphenated('<p>Ngiyabonga kakhulu</p>', 'zu'), '<p>Ngiyabonga kakhulu</p>')
})

test('texts hyphenated are kept for the next process, which takes them as they are when the code that hyphenated them is its own', async () => {
  const file = keptHyphenationFile(`a test run ${process.hrtime.bigint()}`)
  const html = '<p>Economic reconstruction begins</p>'
  // As a new process: nothing hyphenated, no file read.
  const anew = async () => {
    forgetHyphenation()
    forgetKeptHyphenation()
    const used: TextsHyphenated = new Map()
    await readKeptHyphenation(file)
    const result = hyphenated(html, 'en', used)
    writeKeptHyphenation(file, used)
    await cacheWritesSettled()
    return result
  }
  const fresh = await anew()
  assert.equal(fresh, '<p>Eco|nomic re|con|struc|tion begins</p>')
  const kept = v8.deserialize(readFileSync(file)) as {code: string; texts: TextsHyphenated}
  assert.equal(kept.texts.get('en-us')?.get('Economic reconstruction begins'), 'Eco\u00ADnomic re\u00ADcon\u00ADstruc\u00ADtion be\u00ADgins', 'as the patterns break it: the last word is left whole later, in the tree')
  // Read back, not hyphenated again: a kept text that says otherwise is what the next process sets.
  const doctored = {...kept, texts: new Map([['en-us', new Map([['Economic reconstruction begins', 'Econo\u00ADmic reconstruction begins']])]])}
  writeFileSync(file, v8.serialize(doctored))
  assert.equal(await anew(), '<p>Econo|mic reconstruction begins</p>')
  // Other code, or a file cut short: hyphenated again (and kept anew).
  writeFileSync(file, v8.serialize({...doctored, code: 'another'}))
  assert.equal(await anew(), fresh)
  assert.equal((v8.deserialize(readFileSync(file)) as {code: string}).code, kept.code)
  writeFileSync(file, readFileSync(file).subarray(0, 30))
  assert.equal(await anew(), fresh)
  assert.ok(existsSync(file))
  rmSync(file)
  forgetHyphenation()
})
