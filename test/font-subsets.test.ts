/**
 * Font subsets are kept on disk between builds (a cold EPUB build spends
 * most of its time in HarfBuzz otherwise): a kept subset is used as it is,
 * and one cut short is made again.
 */
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import test from 'node:test'
import {keptSubsetFile, shippedFontBytes, subsetOf, wholeFont} from '../build/editions/fonts.ts'
import {projectRoot} from '../build/project.ts'

const serif = shippedFontBytes(path.join(projectRoot, 'node_modules/@fontsource/source-serif-4/files/source-serif-4-latin-400-normal.woff2'))

test('a subset is kept on disk, used from there by the next build, and made again when the kept one is cut short', async () => {
  // Characters no other run asked for: a subset this run makes itself.
  const text = `Folio ${process.pid} ${Date.now()}`
  const made = await subsetOf(serif, text, 'truetype', new Map())
  assert.ok(wholeFont(made))
  // By its name, not by its bytes: another run's text of the same characters made the same bytes under another name.
  const file = keptSubsetFile(serif, text, 'truetype')
  assert.deepEqual(new Uint8Array(readFileSync(file)), made, 'the subset is in the cache')

  // Another whole font in its place is what the next build takes: the cache is read, not HarfBuzz run again.
  const other = await subsetOf(serif, `${text} other`, 'truetype', new Map())
  writeFileSync(file, other)
  assert.deepEqual(await subsetOf(serif, text, 'truetype', new Map()), other)

  // Cut short, it is made again and kept whole.
  writeFileSync(file, made.subarray(0, made.byteLength - 100))
  assert.deepEqual(await subsetOf(serif, text, 'truetype', new Map()), made)
  assert.deepEqual(new Uint8Array(readFileSync(file)), made)
})

test('a font file is whole when every table its directory names is inside it', async () => {
  const made = await subsetOf(serif, 'whole', 'truetype', new Map())
  assert.ok(wholeFont(made))
  assert.equal(wholeFont(made.subarray(0, made.byteLength - 100)), false)
  assert.equal(wholeFont(made.subarray(0, 11)), false)
  const woff2 = await subsetOf(serif, 'whole', 'woff2', new Map())
  assert.ok(wholeFont(woff2))
  assert.equal(wholeFont(woff2.subarray(0, woff2.byteLength - 1)), false)
})
