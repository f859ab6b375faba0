import assert from 'node:assert/strict'
import {mkdirSync, symlinkSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {findWorks} from '../build/read/discover-works.ts'
import {readSourceFile} from '../build/read/source-file.ts'
import {readWorkSources} from '../build/read/work-sources.ts'
import {UsageError} from '../build/errors.ts'
import {scratchFolder} from './harness.ts'

test('manuscript/ holds works: each .md file and each folder with chapters', async () => {
  const project = scratchFolder('discover')
  const manuscript = path.join(project, 'manuscript')
  mkdirSync(path.join(manuscript, 'images'), {recursive: true})
  mkdirSync(path.join(manuscript, 'Second Book'))
  writeFileSync(path.join(manuscript, 'images', 'chart.png'), '')
  writeFileSync(path.join(manuscript, 'brief-10.md'), '')
  writeFileSync(path.join(manuscript, 'brief-2.md'), '')
  writeFileSync(path.join(manuscript, 'Second Book', 'chapter.md'), '')
  writeFileSync(path.join(manuscript, '.hidden.md'), '')
  const works = await findWorks([], project)
  assert.deepEqual(
    works.map((work) => [work.name, work.kind, work.slug]),
    [
      ['manuscript/brief-2.md', 'file', 'brief-2'],
      ['manuscript/brief-10.md', 'file', 'brief-10'],
      ['manuscript/Second Book', 'folder', 'second-book']
    ]
  )
  assert.deepEqual(await findWorks(['manuscript'], project), works)
})

test('two works that would write the same editions are a usage error', async () => {
  const project = scratchFolder('clash')
  mkdirSync(path.join(project, 'manuscript', 'brief'), {recursive: true})
  writeFileSync(path.join(project, 'manuscript', 'brief', 'a.md'), '')
  writeFileSync(path.join(project, 'manuscript', 'Brief.md'), '')
  await assert.rejects(findWorks([], project), (error: Error) => error instanceof UsageError && /both be written as brief/.test(error.message))
})

test('naming something that is not a work is a usage error', async () => {
  const project = scratchFolder('usage')
  writeFileSync(path.join(project, 'notes.txt'), '')
  await assert.rejects(findWorks(['notes.txt'], project), /Not a Markdown file: notes\.txt/)
  await assert.rejects(findWorks([], project), /No manuscript\/ folder/)
})

test('a chapter that is a link out of the work is refused, not read', async () => {
  const project = scratchFolder('links')
  const work = path.join(project, 'book')
  mkdirSync(work)
  writeFileSync(path.join(project, 'secret.md'), 'SECRET')
  writeFileSync(path.join(work, 'chapter-1.md'), '---\ntitle: T\n---\n\nText.\n')
  symlinkSync(path.join(project, 'secret.md'), path.join(work, 'chapter-2.md'))
  const [source] = await findWorks([work], project)
  const sources = await readWorkSources(source!)
  assert.equal(sources.chapters.length, 1)
  assert.match(String(sources.refused[0]!.messages[0]!.reason), /outside the work's folder/)
})

test('book.yaml names chapters in order; a missing one is an error at its line', async () => {
  const work = scratchFolder('book-yaml')
  writeFileSync(path.join(work, 'book.yaml'), 'title: T\nchapters:\n  - b.md\n  - a.md\n  - gone.md\n  - ../outside.md\n')
  writeFileSync(path.join(work, 'a.md'), 'A')
  writeFileSync(path.join(work, 'b.md'), 'B')
  const [source] = await findWorks([work], work)
  const sources = await readWorkSources(source!)
  assert.deepEqual(sources.chapters.map((file) => path.basename(file.path)), ['b.md', 'a.md'])
  assert.deepEqual(
    sources.book!.messages.map((message) => `${message.line}:${message.column} ${message.reason}`),
    ['5:5 Chapter file not found: gone.md', "6:5 Chapter `../outside.md` is outside the work's folder: chapters must be inside it"]
  )
})

test('encodings: UTF-8 with BOM, CRLF and CR line ends, UTF-16 are read; Latin-1 and binary are refused', async () => {
  const folder = scratchFolder('encodings')
  const write = (name: string, bytes: Uint8Array | string) => {
    writeFileSync(path.join(folder, name), bytes)
    return readSourceFile(path.join(folder, name))
  }
  assert.equal(String((await write('bom.md', '\uFEFFtitle\r\nline\rend')).value), 'title\nline\nend')
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Привіт\n', 'utf16le')])
  assert.equal(String((await write('utf16.md', utf16)).value), 'Привіт\n')
  const latin1 = await write('latin1.md', Buffer.from('first line\nCaf\xe9 au lait\n', 'latin1'))
  assert.equal(latin1.messages[0]!.fatal, true)
  assert.equal(`${latin1.messages[0]!.line}:${latin1.messages[0]!.column}`, '2:4')
  assert.match(latin1.messages[0]!.reason, /not valid UTF-8/)
  const binary = await write('binary.md', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]))
  assert.match(binary.messages[0]!.reason, /not a text file/)
})
