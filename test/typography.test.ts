import assert from 'node:assert/strict'
import {test} from 'node:test'
import type {Root} from 'mdast'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkStringify from 'remark-stringify'
import {unified} from 'unified'
import remarkTypography, {quoteStyleFor, typesetText} from '../build/transform/typography.ts'

const typeset = (text: string, lang = 'en') => typesetText(text, quoteStyleFor(lang))

/** Typeset a Markdown snippet and give back the text of its mdast, to see what changed. */
async function typesetMarkdown(markdown: string, lang = 'en'): Promise<string> {
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkTypography, {lang})
  const tree = (await processor.run(processor.parse(markdown))) as Root
  return unified().use(remarkGfm).use(remarkStringify).stringify(tree).trim()
}

test('English quotes, apostrophes, dashes and ellipses', () => {
  assert.equal(typeset(`It's a "clarifying" moment`), 'It’s a “clarifying” moment')
  assert.equal(typeset(`He said 'no' -- then left --- for good...`), 'He said ‘no’\u00A0– then left\u00A0— for good…')
  assert.equal(typeset(`the '90s and rock 'n' roll`), 'the ’90s and rock ‘n’ roll')
  assert.equal(typeset(`"'Nested' quotes"`), '“‘Nested’ quotes”')
  assert.equal(typeset(`the dogs' bowls`), 'the dogs’ bowls')
  assert.equal(typeset(`"a "nested" quote"`), '“a ‘nested’ quote”')
  assert.equal(typeset(`("quoted")`), '(“quoted”)')
})

test('text that is already typographic keeps its marks', () => {
  const text = 'America’s “war aims” – and the only way — to peace…'
  assert.equal(typeset(text), text.replace(/ (?=[–—])/g, '\u00A0'))
})

test('Ukrainian: guillemets, low-high inner quotes, the modifier-letter apostrophe', () => {
  assert.equal(typeset(`Він сказав: "м'ята і "слово""`, 'uk'), 'Він сказав: «мʼята і\u00A0„слово“»')
})

test('German: low-high quotes', () => {
  assert.equal(typeset(`Er sagte "Hallo" und 'tschüss'`, 'de'), 'Er sagte „Hallo“ und ‚tschüss‘')
})

test('French: guillemets and narrow no-break spaces before high punctuation', () => {
  assert.equal(typeset(`Il a dit "bonjour" ! Vraiment ?`, 'fr'), 'Il a dit «\u202Fbonjour\u202F»\u202F! Vraiment\u202F?')
  assert.equal(typeset('Note : à 10:30', 'fr'), 'Note\u00A0: à 10:30')
})

test('Swiss German uses guillemets', () => {
  assert.equal(typeset(`"Grüezi"`, 'de-CH'), '«Grüezi»')
})

test('quotes are decided across emphasis, links and code', async () => {
  assert.equal(await typesetMarkdown(`"*Really*," she said.`), '“*Really*,” she said.')
  assert.equal(await typesetMarkdown(`Use \`"raw"\` and "[a link](https://example.com)"`), 'Use `"raw"` and “[a link](https://example.com)”')
})

test('code, raw HTML and autolinks are not touched', async () => {
  const markdown = '```\nsay "hi" -- now...\n```\n\nSee https://example.com/a--b and <span title="x--y">ok</span>'
  const result = await typesetMarkdown(markdown)
  assert.match(result, /say "hi" -- now\.\.\./)
  assert.match(result, /https:\/\/example\.com\/a--b/)
  assert.match(result, /title="x--y"/)
})

test('alt text and headings are typeset', async () => {
  assert.equal(await typesetMarkdown(`## It's "here"\n\n![A "map"](map.png)`), '## It’s “here”\n\n![A “map”](map.png)')
})

test('a spaced dash is kept with the word before it', () => {
  assert.equal(typeset('invasion -- we need'), 'invasion\u00A0– we need')
  assert.equal(typeset('experience --- in Syria'), 'experience\u00A0— in Syria')
  assert.equal(typeset('well-known 1990--2000'), 'well-known 1990–2000')
})

test('Slavic one-letter words keep to the word after them', () => {
  assert.equal(typeset('Він живе в Києві і працює у місті з друзями', 'uk'), 'Він живе в\u00A0Києві і\u00A0працює у\u00A0місті з\u00A0друзями')
  assert.equal(typeset('Żyje w Warszawie i pracuje', 'pl'), 'Żyje w\u00A0Warszawie i\u00A0pracuje')
  assert.equal(typeset('Jim lives in a house', 'en'), 'Jim lives in a house')
})

test('a straight double quote is never a single mark: after markup kept as text, after punctuation, after a number', async () => {
  assert.equal(await typesetMarkdown('a*"foo"*'), 'a\\*“foo”\\*')
  assert.equal(typeset('!"#'), '!”#')
  assert.equal(typeset(`5'10"`), '5′10″')
  assert.equal(typeset(`He is 5'10" tall and "quite" tall`), 'He is 5′10″ tall and “quite” tall')
  assert.equal(typeset('"Chapter 5" is short'), '“Chapter 5” is short')
  assert.equal(typeset(`Zürich's 1'000'000`, 'de-CH'), 'Zürich’s 1’000’000')
  assert.equal(typeset('"Guillemets"', 'fr'), '«\u202FGuillemets\u202F»')
  assert.equal(typeset('x"', 'de'), 'x“')
})
