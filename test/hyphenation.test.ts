import assert from 'node:assert/strict'
import {test} from 'node:test'
import type {Root} from 'hast'
import {toHtml} from 'hast-util-to-html'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {hyphenateTree, hyphenatorFor} from '../build/editions/pdf/hyphenation.ts'

const soft = '\u00AD'
const show = (text: string) => text.replaceAll(soft, '|')

function hyphenated(html: string, lang: string): string {
  const tree = unified().use(rehypeParse, {fragment: true}).parse(html) as Root
  hyphenateTree(tree, lang)
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
