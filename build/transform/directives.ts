/**
 * Directives (remark-directive) Folio knows:
 *
 *     :::note            a note (an aside, role note)
 *     :::key-findings    a box of key findings (an aside)
 *     :::pullquote       a pull quote (an aside, role doc-pullquote)
 *     :::lang{lang=uk}   a block in another language
 *     :lang[Wort]{lang=de}   a phrase in another language
 *     :::refs            where the bibliography goes
 *
 * A label in brackets (`:::note[Before you start]`) replaces the callout's
 * default label; `{lang=…}` works on each. Any other container is kept as a
 * plain block, with a warning. A text or leaf directive Folio does not know
 * is put back as the text it was written as: `ratio:high` is not a
 * directive to the author who wrote it.
 */
import type {Nodes, Paragraph, Parent, Root, RootContent} from 'mdast'
import type {ContainerDirective, LeafDirective, TextDirective} from 'mdast-util-directive'
import {toString} from 'mdast-util-to-string'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import {warn} from '../messages.ts'
import {stringsFor, type Strings} from '../strings.ts'

type Directive = ContainerDirective | LeafDirective | TextDirective

const callouts: Record<string, {label: keyof Strings | undefined; role?: string}> = {
  note: {label: 'note', role: 'note'},
  'key-findings': {label: 'keyFindings'},
  pullquote: {label: undefined, role: 'doc-pullquote'}
}

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1
  } catch {
    return false
  }
}

/** A remark plugin. */
export default function remarkDirectives(options: {lang: string}) {
  const strings = stringsFor(options.lang)
  return (tree: Root, file: VFile): void => {
    visit(tree, (node, index, parent) => {
      if (!isDirective(node) || !parent || index === undefined) return undefined
      const lang = languageOf(node, file)
      if (node.type === 'containerDirective' && node.name === 'refs') {
        // Where the bibliography goes (transform/citations/render.ts).
        node.data = {hName: 'div', hProperties: {className: ['refs']}}
        return undefined
      }
      if (node.type === 'containerDirective' && (callouts[node.name] || node.name === 'lang')) {
        container(node, lang, strings)
        return undefined
      }
      if (node.type === 'textDirective' && node.name === 'lang') {
        node.data = {hName: 'span', hProperties: lang ? {lang} : {}}
        if (!lang) warn(file, 'The `:lang` directive needs a language: `:lang[text]{lang=de}`', node, 'directive')
        return undefined
      }
      if (node.type === 'containerDirective') {
        warn(file, `Unknown directive \`:::${node.name}\`: its content is kept as a plain block (known: ${Object.keys(callouts).join(', ')}, lang, refs)`, node, 'directive')
        node.data = {hName: 'div', hProperties: {className: [node.name], ...(lang ? {lang} : {})}}
        return undefined
      }
      // Not a directive to the author: the text as written.
      const start = node.position?.start.offset
      const end = node.position?.end.offset
      const text = start !== undefined && end !== undefined ? String(file.value).slice(start, end) : `:${node.name}${toString(node)}`
      parent.children.splice(index, 1, {type: 'text', value: text, ...(node.position ? {position: node.position} : {})} as RootContent)
      return index + 1
    })
  }
}

function isDirective(node: Nodes): node is Directive {
  return node.type === 'containerDirective' || node.type === 'leafDirective' || node.type === 'textDirective'
}

function languageOf(node: Directive, file: VFile): string | undefined {
  const lang = node.attributes?.lang ?? undefined
  if (!lang) return undefined
  if (isLanguageTag(lang)) return Intl.getCanonicalLocales(lang)[0]
  warn(file, `\`lang=${lang}\` is not a BCP 47 language tag (such as en, uk, de-CH)`, node, 'directive')
  return undefined
}

function container(node: ContainerDirective, lang: string | undefined, strings: Strings): void {
  if (node.name === 'lang') {
    node.data = {hName: 'div', hProperties: lang ? {lang} : {}}
    return
  }
  const callout = callouts[node.name]!
  const labelled = node.children[0]?.type === 'paragraph' && (node.children[0] as Paragraph & {data?: {directiveLabel?: boolean}}).data?.directiveLabel
  const label = labelled ? toString(node.children[0]!) : callout.label ? (strings[callout.label] as string) : undefined
  if (labelled) node.children.shift()
  if (label && callout.label) {
    const paragraph: Paragraph = {type: 'paragraph', children: [{type: 'text', value: label}], data: {hProperties: {className: ['callout-label']}}}
    ;(node as Parent).children.unshift(paragraph)
  }
  node.data = {
    hName: 'aside',
    hProperties: {
      className: ['callout', node.name],
      ...(callout.role ? {role: callout.role} : {}),
      ...(label ? {ariaLabel: label} : node.name === 'pullquote' ? {ariaLabel: strings.pullquote} : {}),
      ...(lang ? {lang} : {})
    }
  }
}
