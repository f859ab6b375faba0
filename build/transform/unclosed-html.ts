/**
 * Raw HTML that is never closed would swallow the rest of the file: in
 * CommonMark an HTML block that opens a comment, `<script>`, `<style>`,
 * `<pre>`, `<textarea>`, `<?` or `<![CDATA[` runs to its end marker or to
 * the end of the document, and the sanitiser then drops it with everything
 * in it. Such an opener is written as text instead (`&lt;`), with a warning,
 * so that no text is lost.
 */
import type {Html, Root} from 'mdast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {warn} from '../messages.ts'

/** Openers of HTML blocks that run to an end marker, and the marker. */
const blocks: Array<{opener: RegExp; end: RegExp; name?: string}> = [
  {opener: /^<(script|pre|style|textarea)(?=[\s>]|$)/i, end: /<\/(script|pre|style|textarea)>/i},
  {opener: /^<!--/, end: /-->/, name: 'an HTML comment (<!--)'},
  {opener: /^<\?/, end: /\?>/, name: 'a processing instruction (<?)'},
  {opener: /^<!\[CDATA\[/, end: /\]\]>/, name: 'a CDATA section (<![CDATA[)'},
  {opener: /^<![A-Za-z]/, end: />/, name: 'a declaration (<!)'}
]

/**
 * Find unclosed HTML blocks in a parsed chapter and escape their openers in
 * the file's text. Returns true when the text changed (parse it again).
 */
export function escapeUnclosedHtml(tree: Root, file: VFile): boolean {
  const offsets: number[] = []
  visit(tree, 'html', (node: Html) => {
    const text = node.value.trimStart()
    const start = node.position?.start.offset
    if (start === undefined) return
    for (const block of blocks) {
      const opener = block.opener.exec(text)
      if (!opener) continue
      if (block.end.test(text.slice(opener[0].length))) return
      const source = String(file.value)
      const at = source.indexOf('<', start)
      if (at === -1) return
      offsets.push(at)
      const what = block.name ?? `<${opener[1]!.toLowerCase()}>`
      warn(file, `Raw HTML: ${what} is never closed; it would hide the rest of the file, so it is shown as text`, node, 'raw-html-unclosed')
      return
    }
  })
  if (offsets.length === 0) return false
  let source = String(file.value)
  for (const at of offsets.sort((a, b) => b - a)) source = `${source.slice(0, at)}&lt;${source.slice(at + 1)}`
  file.value = source
  return true
}
