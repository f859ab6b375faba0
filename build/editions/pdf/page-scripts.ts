/**
 * What the PDF edition does to a loaded print page between prints, run in
 * the page's isolated world (browser/isolated-world.ts): the contents'
 * number boxes and numbers, the text hidden for a print of the front pages
 * only, blank versos before openers, the folios of a part. Each function is sent to the page as its source text,
 * so it uses nothing but its arguments and the page's DOM.
 *
 * The project compiles without the DOM library; the little of it used here
 * is declared below.
 */

interface PageStyle {
  display: string
  flex: string
  inlineSize: string
  textAlign: string
}
interface PageNode {
  nodeType: number
  textContent: string | null
}
interface PageElement extends PageNode {
  tagName: string
  outerHTML: string
  attributes: Iterable<{name: string; value: string}>
  childNodes: Iterable<PageNode>
  contains(node: PageNode): boolean
  className: string
  classList: {add(name: string): void}
  style: PageStyle
  dataset: Record<string, string | undefined>
  nextElementSibling: PageElement | null
  getAttribute(name: string): string | null
  setAttribute(name: string, value: string): void
  removeAttribute(name: string): void
  querySelector(selector: string): PageElement | null
  closest(selector: string): PageElement | null
  getBoundingClientRect(): {width: number}
  before(node: PageElement): void
  append(node: PageElement): void
  remove(): void
}
declare const document: {
  documentElement: PageElement
  head: PageElement
  querySelector(selector: string): PageElement | null
  querySelectorAll(selector: string): Iterable<PageElement> & {length: number}
  getElementById(id: string): PageElement | null
  createElement(name: string): PageElement
}

/** Page number boxes for five figures (print.css: `.toc-wide`). */
export function widenNumberBoxes(): void {
  document.querySelector('nav.toc')?.classList.add('toc-wide')
}

/**
 * Each entry's number (by the id its link goes to, `#id` or `…/#id`); with
 * `frontOnly`, everything after the contents hidden, else shown.
 */
export function fillNumbers(numbers: Record<string, string>, frontOnly: boolean): void {
  for (const link of document.querySelectorAll('nav.toc a[href*="#"]')) {
    const href = link.getAttribute('href')!
    const box = link.querySelector('.toc-page')
    const number = numbers[decodeURIComponent(href.slice(href.indexOf('#') + 1))]
    if (box && number !== undefined) box.textContent = number
  }
  const toc = document.querySelector('nav.toc')
  for (let element = toc?.nextElementSibling ?? null; element; element = element.nextElementSibling) {
    if (frontOnly) {
      element.dataset.folioHidden = ''
      element.style.display = 'none'
    } else if (element.dataset.folioHidden !== undefined) {
      element.style.display = ''
      element.removeAttribute('data-folio-hidden')
    }
  }
}

declare const crypto: {subtle: {digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>}}

/**
 * What a print of the front pages shows, as a SHA-256 digest (hex): the
 * whole page but what `fillNumbers` hides for it, as the DOM is now. The
 * elements on the way to the contents are written tag by tag, the others
 * whole.
 */
export async function frontPagesDigest(): Promise<string> {
  const toc = document.querySelector('nav.toc')
  const hidden = new Set<PageNode>()
  for (let element = toc?.nextElementSibling ?? null; element; element = element.nextElementSibling) hidden.add(element)
  const parts: string[] = []
  // Depth first, from a stack (a function named in here would need the compiler's helper for names, which the page lacks).
  const stack: Array<PageNode | string> = [document.documentElement]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (typeof node === 'string') parts.push(node)
    else if (hidden.has(node)) continue
    else if (node.nodeType !== 1) parts.push(`${node.nodeType} ${JSON.stringify(node.textContent)}`)
    else if (!toc || !(node as PageElement).contains(toc)) parts.push((node as PageElement).outerHTML)
    else {
      const element = node as PageElement
      parts.push(`<${element.tagName} ${JSON.stringify([...element.attributes].map(({name, value}) => [name, value]))}>`)
      stack.push(`</${element.tagName}>`, ...[...element.childNodes].reverse())
    }
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(parts.join('\n')))
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** A style sheet added to the page (the folios of a part of a work printed in parts). */
export function addStyle(css: string): void {
  const style = document.createElement('style')
  style.textContent = css
  document.head.append(style)
}
