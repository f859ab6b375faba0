/**
 * Folio's own checks of an HTML edition, which need no Java: a language,
 * a title, ids that are unique, links inside the page that land, and no
 * resource that would be fetched from elsewhere.
 */
import type {Element, Root} from 'hast'
import {toText} from 'hast-util-to-text'
import rehypeParse from 'rehype-parse'
import {unified} from 'unified'
import {visit} from 'unist-util-visit'
import {firstElement} from '../document/first-element.ts'
import {verdict, type CheckResult, type EditionReading} from './results.ts'

const parser = unified().use(rehypeParse).freeze()

/** Attributes that make a browser load something. */
const loads: Record<string, string[]> = {
  img: ['src', 'srcSet'], script: ['src'], link: ['href'], iframe: ['src'], embed: ['src'], object: ['data'],
  source: ['src', 'srcSet'], video: ['src', 'poster'], audio: ['src'], track: ['src'], input: ['src']
}

export function parseHtml(html: string): Root {
  return parser.parse(html) as Root
}

/** The HTML edition's own checks and its text. */
export function readHtml(bytes: Uint8Array): EditionReading {
  const tree = parseHtml(new TextDecoder().decode(bytes))
  return {result: checkHtml(tree), text: htmlText(tree)}
}

/** The text of the page's body, without its navigation (a table of contents repeats headings). */
export function htmlText(tree: Root): string {
  const body = firstElement(tree, (element) => element.tagName === 'body')
  if (!body) return ''
  const copy = structuredClone(body)
  const prune = (element: Element): void => {
    element.children = element.children.filter((child) => !(child.type === 'element' && ['nav', 'script', 'style', 'template'].includes(child.tagName)))
    for (const child of element.children) if (child.type === 'element') prune(child)
  }
  prune(copy)
  return toText(copy)
}

export function checkHtml(tree: Root): CheckResult {
  const problems: string[] = []
  const html = firstElement(tree, (element) => element.tagName === 'html')
  if (!html?.properties.lang) problems.push('the page has no lang')
  const title = firstElement(tree, (element) => element.tagName === 'title')
  if (!title || toText(title).trim() === '') problems.push('the page has no title')

  const ids = new Set<string>()
  const links: string[] = []
  visit(tree, 'element', (node) => {
    const id = node.properties.id
    if (id !== undefined) {
      if (ids.has(String(id))) problems.push(`the id “${String(id)}” is used twice`)
      ids.add(String(id))
    }
    if (node.tagName === 'a' && typeof node.properties.href === 'string' && node.properties.href.startsWith('#')) links.push(node.properties.href.slice(1))
    // A <link> loads only as a stylesheet, icon, preload, manifest…; rel=canonical or license only names a page.
    const rels = Array.isArray(node.properties.rel) ? node.properties.rel.map(String) : []
    const names = node.tagName === 'link' && rels.length > 0 && rels.every((rel) => ['canonical', 'license', 'author', 'alternate', 'cite-as'].includes(rel.toLowerCase()))
    for (const attribute of names ? [] : (loads[node.tagName] ?? [])) {
      const value = node.properties[attribute]
      const urls = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []
      for (const url of urls) if (/^(https?:)?\/\//i.test(url.trim())) problems.push(`<${node.tagName}> loads ${url} from elsewhere`)
    }
    if (typeof node.properties.style === 'string' && /url\(\s*['"]?(https?:)?\/\//i.test(node.properties.style)) problems.push(`<${node.tagName}> styles load from elsewhere`)
    if (node.tagName === 'style' && /url\(\s*['"]?(https?:)?\/\/|@import/i.test(toText(node))) problems.push('a stylesheet loads from elsewhere')
  })
  for (const target of links) {
    let id = target
    try {
      id = decodeURIComponent(target)
    } catch {
      // Left as written.
    }
    if (id !== '' && !ids.has(id)) problems.push(`the link to #${target} goes nowhere`)
  }
  return verdict('html', 'own checks', problems, `lang, title, ${ids.size} unique ids, ${links.length} internal links, nothing remote`)
}

