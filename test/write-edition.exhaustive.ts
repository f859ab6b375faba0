/**
 * Editions are written whole or not at all. In process, with a file system
 * that fails the way a full disk does (short writes, then ENOSPC); and
 * for real, on small tmpfs mounts, with the command run in process.
 */
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {open} from 'node:fs/promises'
import path from 'node:path'
import {after, describe, test} from 'node:test'
import {OutputError} from '../build/errors.ts'
import {writeEdition, writeEditions, type Opener} from '../build/write-whole.ts'
import {folio, scratchFolder} from './harness.ts'

/** An opener whose files take at most `chunk` bytes a write and `room` bytes in all, then fail with ENOSPC. */
function smallDisk(room: number, chunk = 4096): Opener {
  let used = 0
  return async (file, flags, mode) => {
    const handle = await open(file, flags, mode)
    const write = handle.write.bind(handle) as (buffer: Uint8Array, offset: number, length: number) => Promise<{bytesWritten: number; buffer: Uint8Array}>
    return Object.assign(handle, {
      write: async (buffer: Uint8Array, offset: number, length: number) => {
        const free = Math.min(room - used, chunk, length)
        if (free <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
        used += free
        return write(buffer, offset, free)
      }
    })
  }
}

const leftovers = (folder: string) => readdirSync(folder).filter((name) => name.endsWith('.tmp'))

describe('a full disk', () => {
  test('a short write is an error naming the edition; the old edition stays; no temporary file', async () => {
    const out = scratchFolder('short-write')
    const target = path.join(out, 'brief.html')
    writeFileSync(target, 'the good old edition')
    const bytes = new Uint8Array(50_000).fill(65)
    await assert.rejects(
      writeEdition(target, bytes, {what: 'the html edition of brief.md', open: smallDisk(20_000)}),
      (error: Error) => {
        assert.ok(error instanceof OutputError)
        assert.match(error.message, /^Cannot write the html edition of brief\.md \(.+brief\.html\): the disk is full \(20,000 of 50,000 bytes written\); the earlier one is kept as it was$/)
        return true
      }
    )
    assert.equal(readFileSync(target, 'utf8'), 'the good old edition')
    assert.deepEqual(leftovers(out), [])
  })

  test('a disk that takes nothing is full too, not a loop', async () => {
    const out = scratchFolder('no-write')
    await assert.rejects(writeEdition(path.join(out, 'a.pdf'), new Uint8Array(10), {open: smallDisk(0)}), /the disk is full \(0 of 10 bytes written\)/)
    assert.deepEqual(readdirSync(out), [])
  })

  test('writes that take a little at a time are continued until every byte is written', async () => {
    const out = scratchFolder('small-writes')
    const bytes = new Uint8Array(100_000).map((_, index) => index % 251)
    assert.equal(await writeEdition(path.join(out, 'a.epub'), bytes, {open: smallDisk(Infinity, 777)}), true)
    assert.deepEqual(new Uint8Array(readFileSync(path.join(out, 'a.epub'))), bytes)
    assert.equal(await writeEdition(path.join(out, 'a.epub'), bytes), false, 'the same bytes are not written again')
  })

  test('a set of editions is all or nothing: no new page beside an old PDF', async () => {
    const out = scratchFolder('edition-set')
    writeFileSync(path.join(out, 'brief.html'), 'old page')
    writeFileSync(path.join(out, 'brief.pdf'), 'old pdf')
    await assert.rejects(
      writeEditions(
        [
          {target: path.join(out, 'brief.html'), bytes: new Uint8Array(1000).fill(66), what: 'the html edition'},
          {target: path.join(out, 'brief.pdf'), bytes: new Uint8Array(5000).fill(67), what: 'the pdf edition'}
        ],
        {open: smallDisk(3000)}
      ),
      /Cannot write the pdf edition/
    )
    assert.equal(readFileSync(path.join(out, 'brief.html'), 'utf8'), 'old page')
    assert.equal(readFileSync(path.join(out, 'brief.pdf'), 'utf8'), 'old pdf')
    assert.deepEqual(leftovers(out), [])
  })

  test('a temporary file of a build that died is removed; one of a running build is left alone', async () => {
    const out = scratchFolder('abandoned')
    // A process that has exited: its pid runs nothing now.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'}).stdout
    const gone = path.join(out, `.brief.html.folio-${dead}-0a1b2c3d.tmp`)
    const live = path.join(out, `.brief.html.folio-${process.ppid}-0a1b2c3d.tmp`)
    const foreign = path.join(out, '.notes.html.folio-1-0a1b2c3d.tmp')
    for (const file of [gone, live, foreign]) writeFileSync(file, 'half an edition')
    await writeEdition(path.join(out, 'brief.html'), new TextEncoder().encode('<p>whole</p>'))
    assert.ok(!existsSync(gone), 'the dead build’s file is removed')
    assert.ok(existsSync(live), 'a running build’s file stays')
    assert.ok(existsSync(foreign), 'another target’s file is that target’s business')
  })
})

describe('a real full disk (tmpfs)', () => {
  const project = scratchFolder('tmpfs')
  /** A tmpfs of `size` in the project, or why there can be none (mounting needs root, as CI has). */
  const disk = (name: string, size: string): {folder: string; skip: string | false} => {
    const folder = path.join(project, name)
    mkdirSync(folder)
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', folder], {encoding: 'utf8'})
    const skip = mounted.status === 0 ? false : `cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || 'not permitted').trim()}); the injected short writes above cover the logic`
    if (!skip) after(() => spawnSync('umount', [folder]))
    return {folder, skip}
  }
  const words = (count: number) => Array.from({length: count}, (_, index) => `word${(index * 7919) % 100_003}`).join(' ')
  const manuscript = (paragraphs: number, length: number) => `---\ntitle: Full\nlang: en\n---\n\n${Array.from({length: paragraphs}, () => words(length)).join('\n\n')}\n`
  const html = disk('html', '200k')
  const all = disk('all', '300k')

  test('a rebuild whose page no longer fits exits 1, names the edition, and leaves the good page whole', {skip: html.skip}, async () => {
    const source = path.join(project, 'brief.md')
    writeFileSync(source, manuscript(1, 200))
    const first = await folio(['build', 'brief.md', '--format', 'html', '--out', 'html'], {cwd: project})
    assert.equal(first.code, 0, first.stderr)
    const good = readFileSync(path.join(html.folder, 'brief.html'))
    // Some 200 kB of text: the page no longer fits beside the old one.
    writeFileSync(source, manuscript(40, 500))
    const second = await folio(['build', 'brief.md', '--format', 'html', '--out', 'html'], {cwd: project})
    assert.equal(second.code, 1, second.stdout)
    assert.match(second.stderr, /^folio: Cannot write the html edition of brief\.md \(\S+brief\.html\): the disk is full \([\d,]+ of [\d,]+ bytes written\); the earlier one is kept as it was$/m)
    assert.doesNotMatch(second.stdout, /^Built/m)
    assert.deepEqual(readFileSync(path.join(html.folder, 'brief.html')), good)
    assert.deepEqual(leftovers(html.folder), [])
  })

  test('with every edition: the PDF and EPUB are not cut short either, and none of the three is replaced', {skip: all.skip}, async () => {
    const source = path.join(project, 'book.md')
    writeFileSync(source, manuscript(1, 200))
    const first = await folio(['build', 'book.md', '--out', 'all'], {cwd: project})
    assert.equal(first.code, 0, first.stderr)
    const names = ['book.html', 'book.pdf', 'book.epub']
    const good = names.map((name) => readFileSync(path.join(all.folder, name)))
    writeFileSync(source, manuscript(6, 500))
    const second = await folio(['build', 'book.md', '--out', 'all'], {cwd: project})
    assert.equal(second.code, 1, second.stdout)
    assert.match(second.stderr, /^folio: Cannot write the (html|pdf|epub) edition of book\.md \(\S+book\.(html|pdf|epub)\): the disk is full \([\d,]+ of [\d,]+ bytes written\); the earlier one is kept as it was$/m)
    assert.deepEqual(names.map((name) => readFileSync(path.join(all.folder, name))), good)
    assert.deepEqual(leftovers(all.folder), [])
  })
})
