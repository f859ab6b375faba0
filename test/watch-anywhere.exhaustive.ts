/**
 * `folio watch` in process: a work anywhere on disk is watched (not only
 * below the current folder), and links in a work's folder that lead out of
 * it or round in a loop are not followed.
 */
import assert from 'node:assert/strict'
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {runWatch} from '../build/cli/watch-command.ts'
import {scratchFolder} from './harness.ts'

/** Start watching `file` from `cwd`; returns the lines printed and a way to stop. */
function watch(file: string, cwd: string, out: string) {
  const lines: string[] = []
  const controller = new AbortController()
  const console = {out: (line: string) => lines.push(line), err: (line: string) => lines.push(line), color: false}
  const done = runWatch({works: [file], out, cwd, port: 0, serve: false, formats: ['html'], strict: false, settle: 50}, console, controller.signal)
  const waitFor = async (pattern: RegExp, from = 0, seconds = 30): Promise<void> => {
    for (let waited = 0; !lines.slice(from).some((line) => pattern.test(line)); waited += 50) {
      if (waited > seconds * 1000) throw new Error(`timed out waiting for ${pattern}; printed:\n${lines.join('\n')}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return {lines, waitFor, stop: async () => {
    controller.abort()
    return done
  }}
}

const text = (words: string) => `---\ntitle: Anywhere\nlang: en\n---\n\n${words}\n`

test('a work outside the current folder is rebuilt on save', {timeout: 60_000}, async () => {
  const folder = scratchFolder('watch-elsewhere')
  const file = path.join(folder, 'briefs', 'brief.md')
  mkdirSync(path.dirname(file))
  writeFileSync(file, text('First words.'))
  // Run from the project: the work's path relative to it starts with `..`.
  const watcher = watch(file, process.cwd(), path.join(folder, 'out'))
  try {
    await watcher.waitFor(/^Watching /)
    const from = watcher.lines.length
    writeFileSync(file, text('Second words.'))
    await watcher.waitFor(/^rebuilt html \d+ ms/, from)
    assert.match(readFileSync(path.join(folder, 'out', 'brief.html'), 'utf8'), /Second words\./)
  } finally {
    assert.equal(await watcher.stop(), 0)
  }
})

test('links that lead out of the work or round in a loop are not followed; watching goes on', {timeout: 60_000}, async () => {
  const folder = scratchFolder('watch-links')
  const work = path.join(folder, 'work')
  mkdirSync(path.join(work, 'sub'), {recursive: true})
  symlinkSync('..', path.join(work, 'sub', 'up'))
  symlinkSync('/', path.join(work, 'all'))
  const file = path.join(work, 'brief.md')
  writeFileSync(file, text('First words.'))
  const watcher = watch(file, work, path.join(folder, 'out'))
  try {
    await watcher.waitFor(/^Watching /)
    const from = watcher.lines.length
    writeFileSync(file, text('Second words.'))
    await watcher.waitFor(/^rebuilt html \d+ ms/, from)
    assert.deepEqual(watcher.lines.filter((line) => /^folio: |EACCES|ELOOP/.test(line)), [], 'nothing outside the work was walked')
  } finally {
    assert.equal(await watcher.stop(), 0)
  }
})
