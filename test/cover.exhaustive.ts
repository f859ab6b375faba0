/**
 * The drawn cover's page (build/editions/epub/cover.ts): every fact a
 * library grid shows, from the work's metadata and the theme.
 */
import assert from 'node:assert/strict'
import path from 'node:path'
import {test} from 'node:test'
import {toHtml} from 'hast-util-to-html'
import {coverPage} from '../build/editions/epub/cover.ts'
import {loadWork} from '../build/pipeline/load-work.ts'
import {findWorks} from '../build/read/discover-works.ts'
import {fixtures} from './harness.ts'

test('the drawn cover carries the series, title, subtitle, authors and publisher, the title large enough for a 150 px thumbnail', async () => {
  const [source] = await findWorks([path.join(fixtures, 'book-grade')], fixtures)
  const document = (await loadWork(source!)).document!
  const html = toHtml(coverPage(document))
  assert.match(html, /<p class="series">Example Policy Papers, No\. 7<\/p>/)
  assert.match(html, /<h1 class="title" style="font-size: 230px">After the War<\/h1>/)
  assert.match(html, /<p class="subtitle">Security, reconstruction and the shape of a lasting peace<\/p>/)
  assert.match(html, /<p class="authors">Olena Kovalenko, John Smith<\/p>/)
  assert.match(html, /<p class="publisher">The Example Institute<\/p>/)
})
