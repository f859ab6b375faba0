/**
 * hast to XHTML for the EPUB: the same trees as the HTML edition, written as
 * XML with a declaration that names the encoding (Kindle assumes Latin-1
 * without one), the XHTML and EPUB namespaces, and `xml:lang`.
 */
import type {Element, Root} from 'hast'
import {toXast} from 'hast-util-to-xast'
import type {Root as XastRoot} from 'xast'
import {xmlText} from './xml.ts'

export const epubNamespace = 'http://www.idpf.org/2007/ops'

/** An XHTML document from a filled page template. */
export function toXhtml(page: Root): string {
  const html = page.children.find((node): node is Element => node.type === 'element' && node.tagName === 'html')
  if (html) {
    html.properties['xmlns:epub'] = epubNamespace
    if (typeof html.properties.lang === 'string') html.properties['xml:lang'] = html.properties.lang
  }
  // The HTML <meta charset> is replaced by the XML declaration.
  const withoutCharset = removeCharset(page)
  const body = xmlText(toXast(withoutCharset) as XastRoot, {closeEmptyElements: true})
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.replace(/^<!doctype html>/i, '<!DOCTYPE html>')}\n`
}

function removeCharset(page: Root): Root {
  const strip = (node: Root | Element): void => {
    node.children = node.children.filter(
      (child) => !(child.type === 'element' && child.tagName === 'meta' && child.properties.charSet !== undefined)
    )
    for (const child of node.children) if (child.type === 'element') strip(child)
  }
  strip(page)
  return page
}
