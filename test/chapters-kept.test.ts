/**
 * A chapter's parse and transform are kept for the next process
 * (build/pipeline/chapters-kept.ts): read back while its text, the code that
 * made them and (for the transform) the images it embeds are the same, and
 * only from a parse or transform that said nothing.
 */
import assert from 'node:assert/strict'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import sharp from 'sharp'
import type {Root as HastRoot} from 'hast'
import path from 'node:path'
import v8 from 'node:v8'
import {after, test} from 'node:test'
import {toString} from 'mdast-util-to-string'
import {toString as hastText} from 'hast-util-to-string'
import type {Root} from 'mdast'
import {loadWork} from '../build/pipeline/load-work.ts'
import {keepChaptersAs, keptParseFile, keptTransformFile} from '../build/pipeline/chapters-kept.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {cacheWritesSettled} from '../build/write-whole.ts'
import {scratchFolder} from './harness.ts'

after(() => keepChaptersAs(undefined))

async function textOf(file: string, folder: string): Promise<{text: string; messages: string[]}> {
  const [source] = await findWorks([file], folder)
  const {document, files} = await loadWork(source!)
  await cacheWritesSettled()
  return {text: (document?.chapters ?? []).map((chapter) => hastText(chapter.tree)).join('\n'), messages: files.flatMap((read) => read.messages.map(String))}
}

test('a chapter parsed before is read back while its text and the code that parsed it are the same; a parse that said something is not kept', async () => {
  const folder = scratchFolder('parses-kept')
  const chapter = path.join(folder, 'essay.md')
  const code = `a test run ${process.hrtime.bigint()}`
  keepChaptersAs(code)
  writeFileSync(chapter, '---\ntitle: An Essay\nlang: en\n---\n\nThe first paragraph says little.\n\nThe second says less.\n')
  assert.match((await textOf(chapter, folder)).text, /The first paragraph says little/)
  const kept = keptParseFile(chapter)!
  assert.ok(existsSync(kept), 'kept')

  // Read back, not parsed again: a kept tree that says otherwise is what the next process reads.
  // (The transform kept from it would be read back first: it goes.)
  rmSync(keptTransformFile(chapter)!, {force: true})
  const read = v8.deserialize(readFileSync(kept)) as {textHash: string; tree: Root}
  assert.match(toString(read.tree), /The first paragraph says little/)
  const doctored = JSON.parse(JSON.stringify(read.tree).replace('says little', 'says much')) as Root
  writeFileSync(kept, v8.serialize({...read, tree: doctored}))
  assert.match((await textOf(chapter, folder)).text, /The first paragraph says much/)
  rmSync(keptTransformFile(chapter)!, {force: true})

  // Other code parses again, and keeps its parse in the same file (a new bundle leaves no files behind).
  keepChaptersAs(`${code}, changed`)
  assert.match((await textOf(chapter, folder)).text, /says little/)
  assert.equal(keptParseFile(chapter), kept)
  assert.equal((v8.deserialize(readFileSync(kept)) as {code: string}).code, `${code}, changed`)
  keepChaptersAs(code)

  // A file cut short is parsed again; so is a text that changed.
  rmSync(keptTransformFile(chapter)!, {force: true})
  writeFileSync(kept, readFileSync(kept).subarray(0, 40))
  assert.match((await textOf(chapter, folder)).text, /says little/)
  writeFileSync(kept, v8.serialize({...read, tree: doctored}))
  writeFileSync(chapter, '---\ntitle: An Essay\nlang: en\n---\n\nThe first paragraph says little.\n\nThe second says more.\n')
  assert.match((await textOf(chapter, folder)).text, /The second says more/)

  // What the parse said would not be said again by a tree read back: such a parse is not kept.
  const loud = path.join(folder, 'loud.md')
  writeFileSync(loud, '---\ntitle: Loud\nlang: en\n---\n\nA paragraph.\n\n<!-- a note never closed\n\nAfter the comment.\n')
  const first = await textOf(loud, folder)
  assert.ok(first.messages.some((message) => /never closed/.test(message)), first.messages.join('\n'))
  assert.ok(!existsSync(keptParseFile(loud)!), 'not kept')
  assert.deepEqual((await textOf(loud, folder)).messages, first.messages)
})

test('a chapter transformed before is read back while its text, the code and the images it embeds are the same; a transform that said something is not kept', async () => {
  const folder = scratchFolder('transforms-kept')
  const chapter = path.join(folder, 'essay.md')
  const picture = path.join(folder, 'picture.png')
  const code = `a test run ${process.hrtime.bigint()}`
  keepChaptersAs(code)
  writeFileSync(picture, await sharp({create: {width: 4, height: 4, channels: 3, background: '#000'}}).png().toBuffer())
  writeFileSync(chapter, '---\ntitle: An Essay\nlang: en\n---\n\nThe first paragraph says little.\n\n![A black square](picture.png)\n')
  assert.match((await textOf(chapter, folder)).text, /The first paragraph says little/)
  const kept = keptTransformFile(chapter)!
  assert.ok(existsSync(kept), 'kept')

  // Read back, not transformed again: a kept tree that says otherwise is what the next process reads.
  const read = v8.deserialize(readFileSync(kept)) as {code: string; transform: {tree: HastRoot; assets: Array<{path: string}>}}
  assert.deepEqual(read.transform.assets.map((asset) => asset.path), ['picture.png'])
  const doctor = () => writeFileSync(kept, v8.serialize({...read, transform: {...read.transform, tree: JSON.parse(JSON.stringify(read.transform.tree).replace('says little', 'says much')) as HastRoot}}))
  doctor()
  assert.match((await textOf(chapter, folder)).text, /says much/)
  // Other code, an image that changed, a file cut short, a text that changed: transformed again.
  keepChaptersAs(`${code}, changed`)
  assert.match((await textOf(chapter, folder)).text, /says little/)
  keepChaptersAs(code)
  doctor()
  writeFileSync(picture, await sharp({create: {width: 8, height: 8, channels: 3, background: '#fff'}}).png().toBuffer())
  assert.match((await textOf(chapter, folder)).text, /says little/)
  writeFileSync(kept, readFileSync(kept).subarray(0, 40))
  assert.match((await textOf(chapter, folder)).text, /says little/)
  writeFileSync(chapter, '---\ntitle: An Essay\nlang: en\n---\n\nThe first paragraph says little.\n\nThe second says more.\n')
  doctor()
  assert.match((await textOf(chapter, folder)).text, /The second says more/)

  // What the transform said would not be said again by a tree read back: such a transform is not kept.
  const loud = path.join(folder, 'loud.md')
  writeFileSync(loud, '---\ntitle: Loud\nlang: en\n---\n\nA paragraph.\n\n![A picture not there](missing.png)\n')
  const first = await textOf(loud, folder)
  assert.ok(first.messages.some((message) => /missing\.png/.test(message)), first.messages.join('\n'))
  assert.ok(existsSync(keptParseFile(loud)!), 'its parse, which said nothing, kept')
  assert.ok(!existsSync(keptTransformFile(loud)!), 'not kept')
  assert.deepEqual((await textOf(loud, folder)).messages, first.messages)
})
