/**
 * Raw HTML in a manuscript is cut down to a safe allow-list: no script,
 * style, iframe, object, form, event handler or `style` attribute reaches an
 * edition. Removing is done by hast-util-sanitize; this plugin first says,
 * at its position, what will be removed, so an author is never surprised.
 * Elements that are removed keep their text (it is unwrapped), except those
 * whose content is not text a reader sees (`strip`).
 */
import type {Element, Root} from 'hast'
import {sanitize, type Schema} from 'hast-util-sanitize'
import {toString} from 'hast-util-to-string'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {warn} from '../messages.ts'

const everywhere = [
  'className', 'id', 'lang', 'dir', 'title', 'translate', 'role',
  'ariaLabel', 'ariaDescribedBy', 'ariaLabelledBy', 'ariaHidden',
  // GFM footnotes.
  'dataFootnoteRef', 'dataFootnoteBackref', 'dataFootnotes'
]

/** What survives: the phrasing and flow content of a text, nothing active. */
export const manuscriptSchema: Schema = {
  allowComments: false,
  allowDoctypes: false,
  clobber: [],
  clobberPrefix: '',
  tagNames: [
    'a', 'abbr', 'aside', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup',
    'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'input', 'ins', 'kbd', 'li', 'mark',
    'ol', 'p', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'section', 'small', 'span', 'strong',
    'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'u', 'ul',
    'var', 'wbr'
  ],
  attributes: {
    '*': everywhere,
    a: ['href', 'hrefLang'],
    // A citation on its way to the whole-work pass (transform/citations/), which removes it.
    span: ['dataFolioCite'],
    img: ['src', 'alt', 'width', 'height'],
    ol: ['start', 'reversed', 'type'],
    li: ['value'],
    td: ['align', 'colSpan', 'rowSpan', 'headers'],
    th: ['align', 'colSpan', 'rowSpan', 'headers', 'scope', 'abbr'],
    col: ['span'],
    colgroup: ['span'],
    blockquote: ['cite'],
    q: ['cite'],
    del: ['cite', 'dateTime'],
    ins: ['cite', 'dateTime'],
    time: ['dateTime'],
    details: ['open'],
    input: [['type', 'checkbox'], 'checked', ['disabled', true]]
  },
  required: {input: {type: 'checkbox', disabled: true}},
  protocols: {
    href: ['http', 'https', 'mailto', 'tel', 'ftp', 'sms'],
    cite: ['http', 'https']
  },
  ancestors: {
    tbody: ['table'], td: ['table'], th: ['table'], thead: ['table'], tfoot: ['table'], tr: ['table'],
    caption: ['table'], col: ['table'], colgroup: ['table'], figcaption: ['figure'],
    li: ['ol', 'ul'], dt: ['dl'], dd: ['dl'], summary: ['details'], rp: ['ruby'], rt: ['ruby']
  },
  // Content a reader never sees as text: dropped with the element.
  strip: ['script', 'style', 'iframe', 'noscript', 'noembed', 'noframes', 'template', 'title', 'xmp']
}

/**
 * A rehype plugin: report every removal, then sanitize. A chapter without
 * raw HTML is left as it is: what Markdown makes is within the allow-list.
 */
export default function rehypeSanitizeManuscript() {
  return (tree: Root, file: VFile): Root => {
    if (file.data.rawHtml === false) return tree
    visit(tree, 'element', (node, index, parent) => {
      // Only GFM task-list checkboxes are inputs; any other form control goes.
      if (node.tagName === 'input' && node.properties.type !== 'checkbox' && parent && index !== undefined) {
        warn(file, 'Raw HTML: removed <input> element', node, 'raw-html-removed')
        parent.children.splice(index, 1)
        return index
      }
      reportElement(node, file)
      return undefined
    })
    return sanitize(tree, manuscriptSchema) as Root
  }
}

function reportElement(node: Element, file: VFile): void {
  const tag = node.tagName
  if (!manuscriptSchema.tagNames!.includes(tag)) {
    const stripped = manuscriptSchema.strip!.includes(tag)
    const hasText = toString(node).trim() !== ''
    const what = stripped && hasText ? `<${tag}> element and its content` : hasText ? `<${tag}> element (its text is kept)` : `<${tag}> element`
    warn(file, `Raw HTML: removed ${what}`, node, 'raw-html-removed')
    return
  }
  const allowed = new Set(
    [...(manuscriptSchema.attributes![tag] ?? []), ...everywhere].map((definition) =>
      typeof definition === 'string' ? definition : definition[0]
    )
  )
  for (const key of Object.keys(node.properties)) {
    if (allowed.has(key) || node.properties[key] === undefined || node.properties[key] === null) continue
    warn(file, `Raw HTML: removed the \`${attributeName(key)}\` attribute of <${tag}>`, node, 'raw-html-removed')
  }
}

/** `onClick` → `onclick`, `httpEquiv` → `http-equiv`: the name as the author wrote it. */
function attributeName(property: string): string {
  if (/^on[A-Z]/.test(property)) return property.toLowerCase()
  return property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
}
