import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {crc32, deflateSync} from 'node:zlib'
import {describe, test} from 'node:test'
import {loadWork} from '../build/pipeline/load-work.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {sourceFile} from '../build/read/source-file.ts'
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
    return sourceFile(path.join(folder, name), new Uint8Array(readFileSync(path.join(folder, name))))
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

describe('every file is read through one guard: inside the work, a regular file, under a size limit', () => {
  const project = scratchFolder('guard')
  const work = (name: string, files: Record<string, string> = {}) => {
    const folder = path.join(project, name)
    mkdirSync(folder, {recursive: true})
    for (const [file, text] of Object.entries({'one.md': '# One\n\nText.\n', ...files})) writeFileSync(path.join(folder, file), text)
    return folder
  }
  const errorsOf = async (folder: string) => {
    const [source] = await findWorks([folder], project)
    const result = await loadWork(source!)
    return result.files.flatMap((file) => file.messages.map((message) => `${path.basename(file.path)}:${message.line}:${message.column} ${message.fatal ? 'error' : 'warning'} ${message.reason}`))
  }
  writeFileSync(path.join(project, 'secret.yaml'), 'title: A Secret From Outside\nchapters:\n  - one.md\n')

  test('a book.yaml that is a link out of the work, even to /etc/passwd or /dev/zero, is not read', async () => {
    for (const [name, target] of [['out', path.join(project, 'secret.yaml')], ['passwd', '/etc/passwd'], ['zero', '/dev/zero']] as const) {
      const folder = work(name)
      symlinkSync(target, path.join(folder, 'book.yaml'))
      const messages = await errorsOf(folder)
      assert.deepEqual(messages, ["book.yaml:1:1 error `book.yaml` leads outside the work's folder (a symbolic link); it is not read"], name)
    }
  })

  test('a book.yaml that is a named pipe or a folder is an error, never a wait', async () => {
    const fifo = work('fifo')
    assert.equal(spawnSync('mkfifo', [path.join(fifo, 'book.yaml')]).status, 0)
    assert.deepEqual(await errorsOf(fifo), ['book.yaml:1:1 error `book.yaml` is a named pipe (FIFO), not a file; it is not read'])
    const folder = work('folder')
    mkdirSync(path.join(folder, 'book.yaml'))
    assert.deepEqual(await errorsOf(folder), ['book.yaml:1:1 error `book.yaml` is a folder, not a file; it is not read'])
  })

  test('a named pipe given as the work is a usage error', async () => {
    assert.equal(spawnSync('mkfifo', [path.join(project, 'pipe.md')]).status, 0)
    await assert.rejects(findWorks(['pipe.md'], project), (error: Error) => error instanceof UsageError && /^pipe\.md is a named pipe \(FIFO\): name a Markdown file or a folder of chapters$/.test(error.message))
  })

  test('a 3 GB chapter or image is refused by its size, at its place, without reading it', async () => {
    const folder = work('huge', {'book.yaml': 'title: Huge\nlang: en\nchapters:\n  - one.md\n  - big.md\n', 'one.md': '# One\n\n![A picture](big.png)\n'})
    // Sparse files: nothing is written to the disk, and nothing must be read from it.
    for (const name of ['big.md', 'big.png']) {
      writeFileSync(path.join(folder, name), '')
      truncateSync(path.join(folder, name), 3 * 1024 ** 3)
    }
    assert.deepEqual(await errorsOf(folder), [
      'book.yaml:5:5 error Chapter `big.md` is too large: it is 3.2 GB, and Folio reads at most 50 MB of this kind of file',
      'one.md:3:1 warning Image `big.png` is too large: it is 3.2 GB, and Folio reads at most 100 MB of this kind of file; its alt text stands in its place'
    ])
  })

  test('a chapter or an image that is a named pipe or a device is refused', async () => {
    const folder = work('pipes', {'one.md': '---\ntitle: Pipes\nlang: en\n---\n\n![Pipe](pipe.png) ![Zero](zero.png)\n'})
    assert.equal(spawnSync('mkfifo', [path.join(folder, 'pipe.png')]).status, 0)
    assert.equal(spawnSync('mkfifo', [path.join(folder, 'two.md')]).status, 0)
    const device = spawnSync('mknod', [path.join(folder, 'zero.png'), 'c', '1', '5']).status === 0
    const messages = await errorsOf(folder)
    assert.ok(messages.includes('two.md:1:1 error Chapter `two.md` is a named pipe (FIFO), not a file; it is not read'), messages.join('\n'))
    assert.ok(messages.includes('one.md:6:1 warning Image `pipe.png` is a named pipe (FIFO), not a file; its alt text stands in its place'), messages.join('\n'))
    if (device) assert.ok(messages.includes('one.md:6:19 warning Image `zero.png` is a device, not a file; its alt text stands in its place'), messages.join('\n'))
  })
})

describe('messages at the value they are about', () => {
  const project = scratchFolder('places')
  const errorsOf = async (name: string, files: Record<string, string | Uint8Array>) => {
    const folder = path.join(project, name)
    mkdirSync(folder)
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(folder, file), content)
    const [source] = await findWorks([folder], project)
    const result = await loadWork(source!)
    return result.files.flatMap((file) => file.messages.map((message) => `${path.basename(file.path)}:${message.line}:${message.column} ${message.fatal ? 'error' : 'warning'} ${message.reason}`))
  }

  test('an unknown author role, in front matter or book.yaml, is a warning at the role', async () => {
    const authors = 'authors:\n  - Ann Author\n  - name: Bo Wizard\n    role: wizard\n'
    const role = /^(\S+) warning Unknown role `wizard` for Bo Wizard: one of author, editor, .*; written as contributor$/
    const inFront = await errorsOf('front', {'one.md': `---\ntitle: T\nlang: en\n${authors}---\n\nText.\n`})
    assert.equal(inFront.length, 1, inFront.join('\n'))
    assert.equal(role.exec(inFront[0]!)?.[1], 'one.md:7:11')
    const inBook = await errorsOf('book', {'book.yaml': `title: T\nlang: en\n${authors}chapters:\n  - one.md\n`, 'one.md': '# One\n\nText.\n'})
    assert.equal(inBook.length, 1, inBook.join('\n'))
    assert.equal(role.exec(inBook[0]!)?.[1], 'book.yaml:6:11')
  })

  test('an image larger than Folio decodes is called too large, with its size and the limit, not damaged', async () => {
    // A 30,000 × 30,000 PNG whose pixel data is cut short: only its header is read to learn its size, as for a whole one.
    const chunk = (type: string, data: Uint8Array) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
      const length = Buffer.alloc(4)
      length.writeUInt32BE(data.length)
      const crc = Buffer.alloc(4)
      crc.writeUInt32BE(crc32(body))
      return Buffer.concat([length, body, crc])
    }
    const header = Buffer.alloc(13)
    header.writeUInt32BE(30_000, 0)
    header.writeUInt32BE(30_000, 4)
    header.set([8, 0, 0, 0, 0], 8)
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(30_001 * 4))), chunk('IEND', new Uint8Array())])
    const messages = await errorsOf('pixels', {'one.md': '---\ntitle: T\nlang: en\n---\n\n![A map](big.png)\n', 'big.png': png})
    assert.deepEqual(messages, ['one.md:6:1 warning Image `big.png` is too large: it is 30,000 × 30,000 pixels (900 megapixels), and Folio reads at most 268 megapixels (16,383 × 16,383); its alt text stands in its place'])
  })
})
