/**
 * Golden-file tests of read + transform + assemble. Each folder in
 * test/fixtures/ with an `expected.html` is one case: its `input.md` (or,
 * without one, the folder itself as a work of chapters) is read into a
 * Document; the chapters' HTML must equal `expected.html` and the messages
 * `expected-messages.txt`. To accept a deliberate change, run with
 * UPDATE_FIXTURES=1 and read the diff before committing it.
 */
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {toHtml} from 'hast-util-to-html'
import {loadWork} from '../build/pipeline/load-work.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {fixtures} from './harness.ts'

const update = process.env.UPDATE_FIXTURES === '1'

for (const name of readdirSync(fixtures).sort()) {
  const folder = path.join(fixtures, name)
  if (!existsSync(path.join(folder, 'expected.html'))) continue
  test(name, async () => {
    const input = existsSync(path.join(folder, 'input.md')) ? path.join(folder, 'input.md') : folder
    const [work] = await findWorks([input], folder)
    const result = await loadWork(work!)
    const html = result.document
      ? result.document.chapters.map((chapter) => `<!-- ${chapter.id}: ${chapter.title} -->\n${toHtml(chapter.tree)}`).join('\n')
      : '<!-- no document -->'
    const toc = result.document ? `\n<!-- toc: ${JSON.stringify(result.document.toc)} -->\n` : '\n'
    const messages = result.files
      .flatMap((file) =>
        file.messages.map(
          (message) =>
            `${path.relative(folder, file.path) || '.'}:${message.line ?? 1}:${message.column ?? 1} ${message.fatal ? 'error' : 'warning'} ${message.ruleId} ${message.reason}`
        )
      )
      .join('\n')
    check(path.join(folder, 'expected.html'), html + toc)
    check(path.join(folder, 'expected-messages.txt'), messages ? `${messages}\n` : '')
  })
}

function check(file: string, actual: string): void {
  if (update) writeFileSync(file, actual)
  assert.equal(actual, readFileSync(file, 'utf8'), `${path.relative(fixtures, file)} differs`)
}
