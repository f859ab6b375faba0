/**
 * Cache files made after the build: their bytes are made only once the
 * build has ended (or when the command line waits for its cache writes),
 * and a maker that fails or has nothing keeps nothing.
 */
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {buildEnded, cacheWritesSettled, keepInCacheAfterBuild} from '../build/write-whole.ts'
import {scratchFolder} from './harness.ts'

test('a cache file kept after the build is made once the build has ended and what it resolved to has run, and written whole', async () => {
  const out = scratchFolder('after-build')
  const kept = path.join(out, 'cache', 'streams.v8')
  const steps: string[] = []
  keepInCacheAfterBuild(kept, () => (steps.push('made'), new TextEncoder().encode('kept')), 'a test cache')
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(steps.length, 0, 'nothing is made while the build goes on')
  const build = Promise.resolve().finally(buildEnded)
  await build.then(() => steps.push('the build\'s outcome taken'))
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(steps, ['the build\'s outcome taken', 'made'])
  await cacheWritesSettled()
  assert.equal(readFileSync(kept, 'utf8'), 'kept')
})

test('the command line\'s wait for cache writes makes them when no build ended; a maker that fails or has nothing keeps nothing', async () => {
  const out = scratchFolder('after-editions-settled')
  const files = ['made', 'nothing', 'failed'].map((name) => path.join(out, `${name}.v8`))
  keepInCacheAfterBuild(files[0]!, () => new TextEncoder().encode('made'), 'a test cache')
  keepInCacheAfterBuild(files[1]!, () => undefined, 'a test cache')
  keepInCacheAfterBuild(
    files[2]!,
    () => {
      throw new Error('too large to serialize')
    },
    'a test cache'
  )
  await cacheWritesSettled()
  assert.equal(readFileSync(files[0]!, 'utf8'), 'made')
  assert.equal(existsSync(files[1]!), false)
  assert.equal(existsSync(files[2]!), false)
})
