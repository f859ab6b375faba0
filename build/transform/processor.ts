/**
 * The unified pipeline, in two halves: `parseChapter` reads Markdown (with
 * front matter and GFM) into mdast; `chapterTransformer` turns that into the
 * chapter's hast, typeset for the work's language, with the URL policy and
 * the sanitiser applied. The split lets the work's language, which the front
 * matter names, steer the transform.
 */
import type {ElementContent, Root as HastRoot} from 'hast'
import type {Position} from 'unist'
import type {Root as MdastRoot} from 'mdast'
import {raw} from 'hast-util-raw'
import remarkDirective from 'remark-directive'
import remarkFrontmatter from 'remark-frontmatter'
import remarkGfm from 'remark-gfm'
import remarkParse from 'remark-parse'
import remarkRehype from 'remark-rehype'
import {unified, type Processor} from 'unified'
import {EXIT, visit} from 'unist-util-visit'
import {VFile} from 'vfile'
import {locatorTerms} from '../read/citation-style.ts'
import {stringsFor} from '../strings.ts'
import {citationToHast, remarkCitations} from './citations/index.ts'
import {remarkCrossReferenceLabels} from './cross-references.ts'
import remarkFootnoteReferences from './footnote-references.ts'
import rehypeForbiddenCharacters from './forbidden-characters.ts'
import rehypeHeadingIds from './heading-ids.ts'
import rehypeHeadingLevels from './heading-levels.ts'
import rehypeLayoutHints from './layout-hints.ts'
import remarkBoundedMarkdown, {boundedTree, checkNesting, checkRawNesting, footnoteReference, maxTreeDepth, parseBounded, parseBoundedWith, tooDeep} from './bounded-markdown.ts'
import type {PassageCache, PassageParser} from './incremental-parse.ts'
import {fail} from '../messages.ts'
import remarkCdata from './cdata.ts'
import rehypeContentModel from './content-model.ts'
import remarkKnownDirectives from './directives.ts'
import rehypeFigures from './figures.ts'
import remarkImageAlt from './image-alt.ts'
import rehypeSanitizeManuscript from './sanitize.ts'
import rehypeTableAlignment from './table-alignment.ts'
import remarkTypography from './typography.ts'
import {escapeUnclosedHtml} from './unclosed-html.ts'
import rehypeUrlPolicy from './url-policy.ts'

declare module 'vfile' {
  interface DataMap {
    /** The chapter has raw HTML (which must then be sanitised). */
    rawHtml: boolean
  }
}

/**
 * Raw HTML parsed into the tree (rehype-raw's work). Parsing runs the whole
 * tree through an HTML parser, so a chapter without raw HTML skips it.
 */
function rehypeRawHtml() {
  return (tree: HastRoot, file: VFile): HastRoot => {
    const raws: Array<{value: string; position?: Position}> = []
    visit(tree, 'raw', (node) => {
      raws.push(node)
    })
    file.data.rawHtml = raws.length > 0
    if (raws.length === 0) return tree
    // HTML nested without end is refused before it is parsed; what the parser builds is checked again.
    if (!checkRawNesting(raws, file)) return {type: 'root', children: []}
    const parsed = raw(tree, {file}) as HastRoot
    const deep = tooDeep(parsed)
    if (!deep) return parsed
    fail(file, `The text nests more than ${maxTreeDepth} levels deep here; Folio does not read deeper structures`, deep as unknown as ElementContent, 'markdown-limit')
    return {type: 'root', children: []}
  }
}

const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkDirective).use(remarkBoundedMarkdown).freeze()

/** A passage of a file parsed alone, knowing the labels the rest of the file defines. */
export const parsePassage: PassageParser = (file, known) => {
  const {result, labels} = parseBoundedWith(file, () => parser.parse(file), known)
  return {tree: result, labels}
}

/**
 * Markdown (with YAML front matter and GFM) to mdast. Text that nests too
 * deep to be read in bounded time gives an error and an empty tree.
 *
 * @param passages The file's passages parsed before (watch mode): only those an edit changed are parsed again.
 */
export function parseChapter(file: VFile, passages?: PassageCache): MdastRoot {
  if (!checkNesting(file)) return frontMatterOf(file)
  const incremental = passages?.parse(file, parsePassage)
  // Raw HTML left open is escaped in the text and the text parsed again: the whole file, as below.
  if (incremental && !escapeUnclosedHtml(incremental, new VFile({path: file.path, value: file.value}))) return boundedTree(incremental, file)
  let tree = parseBounded(file, () => parser.parse(file))
  // Raw HTML left open would hide the rest of the file: its opener becomes text, and the text is
  // parsed again (another may have been hidden by the first).
  for (let pass = 0; pass < 10 && escapeUnclosedHtml(tree, file); pass++) tree = parseBounded(file, () => parser.parse(file))
  return boundedTree(tree, file)
}

/** Only the front matter of a chapter whose text is not read (so that its fields are still checked). */
function frontMatterOf(file: VFile): MdastRoot {
  const match = /^---\n[\s\S]*?\n---(?=\n|$)/.exec(String(file.value))
  if (!match) return {type: 'root', children: []}
  const tree = parser.parse(new VFile({path: file.path, value: match[0]}))
  return {type: 'root', children: tree.children.filter((node) => node.type === 'yaml')}
}

export interface TransformOptions {
  /** BCP 47 language of the work: quotes, and the words Folio adds. */
  lang: string
  /** Its writing direction. */
  dir: 'ltr' | 'rtl'
  /** Real path of the work's folder (the URL policy's boundary). */
  root: string
  /** The work cites sources (it names a bibliography), and whether its style puts citations in notes. */
  citations?: {notes: boolean}
}

export type ChapterTransformer = Processor<undefined, MdastRoot, HastRoot, undefined, undefined>

/** mdast of one chapter to its hast: typography, HTML, raw HTML, forbidden characters, URL policy, sanitising, ids. */
export function chapterTransformer(options: TransformOptions): ChapterTransformer {
  const strings = stringsFor(options.lang)
  // Read from the locales' XML (some 70 ms) only for a work whose citations have locators.
  let terms: Map<string, string> | undefined
  const locatorTermsOf = () => (terms ??= new Map([...locatorTerms('en-US'), ...locatorTerms(options.lang)]))
  return unified()
    .use(remarkCdata)
    .use(remarkKnownDirectives, {lang: options.lang})
    // After the directives: `@fig:map` and `{#sec:risks}` are text again (`:map` is no directive).
    .use(remarkFootnoteReferences)
    .use(remarkCrossReferenceLabels)
    .use(remarkCitations, {sources: options.citations !== undefined, notes: options.citations?.notes ?? false, terms: locatorTermsOf})
    .use(remarkImageAlt)
    .use(remarkTypography, {lang: options.lang})
    .use(remarkRehype, {
      allowDangerousHtml: true,
      clobberPrefix: '',
      footnoteLabel: strings.notes,
      footnoteLabelTagName: 'h2',
      footnoteLabelProperties: {className: ['footnotes-title']},
      footnoteBackLabel: (referenceIndex: number) => strings.backToReference.replace('{n}', String(referenceIndex + 1)),
      // ↑ is in the shipped fonts; the usual ↩ would come from a host font.
      footnoteBackContent: '↑',
      handlers: {citation: citationToHast, footnoteReference}
    })
    .use(rehypeRawHtml)
    .use(rehypeForbiddenCharacters)
    .use(rehypeUrlPolicy, {root: options.root})
    .use(rehypeSanitizeManuscript)
    .use(rehypeContentModel)
    .use(rehypeTableAlignment)
    .use(rehypeFigures)
    .use(rehypeLayoutHints, {dir: options.dir})
    .use(rehypeHeadingLevels)
    .use(rehypeHeadingIds)
    .freeze() as unknown as ChapterTransformer
}
