/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The part of the reading-system view that runs in the page (reading-system.ts
 * sends each function as source to page.evaluate): applying a reading mode,
 * and reading every page of a laid-out document. Each function is
 * self-contained; it may use nothing from outside its body.
 */

/** A reading system's way of showing a document: its engine, and how it colours the page. */
export interface ReadingMode {
  /**
   * `readium`: Readium CSS before and after the book's stylesheets, the root
   * in columns; `calibre`: the body in columns as Calibre's viewer sets it.
   */
  engine: 'readium' | 'calibre'
  /** What the mode stands for, for people. */
  description: string
  /** Declarations added to the root element's style attribute. */
  root: string
  /** Declarations added to the body's style attribute. */
  body?: string
  /** A stylesheet the reading system adds after the book's. */
  sheet?: string
}

export type ReadingCheck = 'off-page' | 'contrast' | 'stranded'

/** Something a reader would see wrong on a page of the document in the tab. */
export interface PageFinding {
  check: ReadingCheck
  /** The page of the document (from 1) the element is on. */
  page: number
  /** The element, as a short selector (`aside.callout.note > p`). */
  element: string
  /** The start of its text, or its alt text. */
  text: string
  /** What is wrong, in numbers. */
  detail: string
}

/** Where the pages are: page n's text area starts `textLeft + n × stride` CSS pixels into the columns. */
export interface PageLayout {
  stride: number
  textLeft: number
  textWidth: number
  /** The page's height (the columns' height). */
  height: number
  /** The least contrast text may have against its background. */
  minimumContrast: number
}

/**
 * Runs in the page: show the document in the mode, as its reading system
 * would, read every page as laid out, and report what is off the page,
 * what text is too faint, and what is stranded.
 *
 * @param readium Readium CSS's `before` and `after` stylesheets.
 */
export function readPage(layout: PageLayout, mode: ReadingMode, readium: {before: string; after: string}): {pages: number; findings: PageFinding[]} {
  const xhtml = 'http://www.w3.org/1999/xhtml'
  const root = document.documentElement
  const body = document.body
  const head = document.head ?? root
  const {stride, textLeft, textWidth, height, minimumContrast} = layout

  /** A style element of the reading system's, made once, placed first or last in the head. */
  const sheet = (id: string, text: string, first: boolean) => {
    let element = document.getElementById(id)
    if (!element) {
      element = document.createElementNS(xhtml, 'style')
      element.id = id
    }
    if (first) head.prepend(element)
    else head.append(element)
    element.textContent = text
  }
  const readiumEngine = mode.engine === 'readium'
  sheet('folio-readium-before', readiumEngine ? readium.before : '', true)
  sheet('folio-readium-after', readiumEngine ? readium.after : '', false)
  // Calibre's viewer sets these on the body (read_book/paged_mode layout) and keeps images within a page.
  const calibreBody = `column-gap: ${stride - textWidth}px; column-width: ${textWidth}px; min-width: 0; max-width: none; min-height: 0; max-height: 100vh; column-fill: auto; margin: 0; border-width: 0; padding: 0; box-sizing: content-box; width: ${textWidth}px; height: ${height}px; overflow-wrap: break-word;`
  const calibreSheet = `img { max-width: ${textWidth}px; max-height: ${height}px; break-inside: avoid }`
  sheet('folio-reading-mode', [readiumEngine ? '' : calibreSheet, mode.sheet ?? ''].join('\n'), false)
  for (const [element, declarations] of [
    [root, mode.root],
    [body, readiumEngine ? (mode.body ?? '') : `${calibreBody} ${mode.body ?? ''}`]
  ] as const) {
    if (!element.hasAttribute('data-folio-style')) element.setAttribute('data-folio-style', element.getAttribute('style') ?? '')
    const style = [element.getAttribute('data-folio-style'), declarations].filter(Boolean).join('; ')
    if (style) element.setAttribute('style', style)
    else element.removeAttribute('style')
  }
  const scroller = document.scrollingElement ?? root
  scroller.scrollLeft = 0
  const pages = Math.max(1, Math.round(scroller.scrollWidth / stride))
  const findings: PageFinding[] = []

  const boxes = (element: Element) => [...element.getClientRects()].filter((box) => box.width > 0 || box.height > 0)
  // A box's page is where its left edge is: content pushed sideways stays on its own page, past its margin.
  const pageOf = (box: DOMRect) => Math.floor((box.left - textLeft + (stride - textWidth) / 2) / stride)
  const firstPage = (element: Element) => Math.min(...boxes(element).map(pageOf))
  const lastPage = (element: Element) => Math.max(...boxes(element).map(pageOf))
  const textOf = (element: Element) => {
    const text = ((element as HTMLElement).innerText ?? element.textContent ?? '').replace(/\s+/g, ' ').trim() || element.getAttribute('alt') || ''
    return text.length > 60 ? `${text.slice(0, 59)}…` : text
  }
  const name = (element: Element) =>
    element.localName + (element.id ? `#${element.id}` : '') + [...element.classList].map((token) => `.${token}`).join('')
  const describe = (element: Element) => {
    const parent = element.parentElement
    return parent && parent !== body ? `${name(parent)} > ${name(element)}` : name(element)
  }

  // Off the page: a box that reaches past its page's margins (the outermost such box), then
  // content that reaches out of a box that fits, or is cut off inside it (the innermost such box).
  const outside: Element[] = []
  const all = [...body.querySelectorAll('*')]
  const textArea = (box: DOMRect) => {
    const left = pageOf(box) * stride + textLeft
    return {left, right: left + textWidth}
  }
  for (const element of all) {
    if (outside.some((ancestor) => ancestor.contains(element))) continue
    for (const box of boxes(element)) {
      const area = textArea(box)
      const past = Math.max(box.right - area.right, area.left - box.left, box.bottom - height, -box.top)
      if (past > 1) {
        findings.push({check: 'off-page', page: pageOf(box) + 1, element: describe(element), text: textOf(element), detail: `its ${Math.round(box.width)} × ${Math.round(box.height)} px box reaches ${Math.round(past)} px past the page's ${textWidth} × ${height} px text area`})
        outside.push(element)
        break
      }
    }
  }
  const spilling = all.filter((element) => {
    if (outside.some((ancestor) => ancestor.contains(element)) || element.scrollWidth <= element.clientWidth + 1) return false
    const box = boxes(element)[0]
    if (!box) return false
    return getComputedStyle(element).overflowX !== 'visible' || box.left + element.clientLeft + element.scrollWidth > textArea(box).right + 1
  })
  for (const element of spilling) {
    if (spilling.some((other) => other !== element && element.contains(other))) continue
    const box = boxes(element)[0]!
    const overflow = getComputedStyle(element).overflowX
    const hidden = element.scrollWidth - element.clientWidth
    findings.push({
      check: 'off-page',
      page: pageOf(box) + 1,
      element: describe(element),
      text: textOf(element),
      detail:
        overflow === 'visible'
          ? `its content runs ${Math.round(box.left + element.clientLeft + element.scrollWidth - textArea(box).right)} px past the page's ${textWidth} px text area`
          : `${hidden} px of its ${element.scrollWidth} px content are cut off (overflow-x: ${overflow}), and a page cannot be scrolled sideways`
    })
    outside.push(element)
  }

  // Contrast: each element's own text against the background it is painted on.
  type Colour = {r: number; g: number; b: number; a: number}
  const parse = (value: string): Colour | undefined => {
    const match = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(value)
    return match ? {r: Number(match[1]), g: Number(match[2]), b: Number(match[3]), a: match[4] === undefined ? 1 : Number(match[4])} : undefined
  }
  const over = (top: Colour, bottom: Colour): Colour => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1
  })
  const luminance = (colour: Colour) => {
    const linear = (channel: number) => {
      const value = channel / 255
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4
    }
    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)
  }
  const hex = (colour: Colour) => `#${[colour.r, colour.g, colour.b].map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`
  /** The colour behind an element: its own background and its ancestors', down to the first opaque one (the canvas is white). */
  const backgroundOf = (element: Element): Colour | 'image' => {
    const layers: Colour[] = []
    for (let at: Element | null = element; at; at = at.parentElement) {
      const style = getComputedStyle(at)
      if (style.backgroundImage !== 'none') return 'image'
      const colour = parse(style.backgroundColor)
      if (colour && colour.a > 0) {
        layers.push(colour)
        if (colour.a >= 1) break
      }
    }
    return layers.reduceRight<Colour>((below, layer) => over(layer, below), {r: 255, g: 255, b: 255, a: 1})
  }
  const opacityOf = (element: Element) => {
    let opacity = 1
    for (let at: Element | null = element; at; at = at.parentElement) opacity *= Number(getComputedStyle(at).opacity)
    return opacity
  }
  const judge = (element: Element, style: CSSStyleDeclaration, text: () => string, page: number, part = '') => {
    const colour = parse(style.color)
    const background = backgroundOf(element)
    if (!colour || background === 'image') return
    const seen = over({...colour, a: colour.a * opacityOf(element)}, background)
    const [light, dark] = [luminance(seen), luminance(background)].sort((a, b) => b - a) as [number, number]
    const ratio = (light + 0.05) / (dark + 0.05)
    if (ratio < minimumContrast) {
      findings.push({check: 'contrast', page, element: describe(element) + part, text: text(), detail: `contrast ${ratio.toFixed(2)}:1, under ${minimumContrast}:1 (${hex(seen)} on ${hex(background)})`})
    }
  }
  const judged = new Set<Element>()
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement
    if (!element || judged.has(element) || !/\S/.test(node.nodeValue ?? '')) continue
    // SVG and MathML text is painted by `fill`, not `color`.
    if (element.namespaceURI !== xhtml) continue
    const range = document.createRange()
    range.selectNodeContents(node)
    const box = [...range.getClientRects()].find((rect) => rect.width > 0 && rect.height > 0)
    const style = getComputedStyle(element)
    if (!box || style.visibility !== 'visible') continue
    judged.add(element)
    judge(element, style, () => textOf(element), pageOf(box) + 1)
  }
  for (const element of all) {
    for (const part of ['::before', '::after']) {
      const style = getComputedStyle(element, part)
      const content = style.content
      if (!content || content === 'none' || content === 'normal' || !/\S/.test(content.replace(/^["']|["']$/g, ''))) continue
      const box = boxes(element)[0]
      if (box && style.display !== 'none' && style.visibility === 'visible') judge(element, style, () => content.replace(/^["']|["']$/g, ''), pageOf(box) + 1, part)
    }
  }

  // Stranded: a part at the foot of one page and the rest of its whole on the next.
  const strand = (element: Element, endsOn: number, restOn: number, what: string) => {
    findings.push({check: 'stranded', page: endsOn + 1, element: describe(element), text: textOf(element), detail: `${what} ends page ${endsOn + 1}; the rest starts page ${restOn + 1}`})
  }
  for (const table of body.querySelectorAll('table')) {
    if (outside.some((ancestor) => ancestor.contains(table))) continue
    const rows = [...table.rows]
    const header = rows.filter((row) => row.parentElement?.localName === 'thead')
    if (header.length === 0) for (const row of rows) if ([...row.cells].every((cell) => cell.localName === 'th') && header.length === rows.indexOf(row)) header.push(row)
    const firstRow = rows.find((row) => !header.includes(row))
    if (!firstRow || boxes(firstRow).length === 0) continue
    const rest = firstPage(firstRow)
    const caption = table.caption
    if (caption && boxes(caption).length > 0 && lastPage(caption) < rest) strand(caption, lastPage(caption), rest, "the table's caption")
    const lastHeader = header.at(-1)
    if (lastHeader && boxes(lastHeader).length > 0 && lastPage(lastHeader) < rest) strand(lastHeader, lastPage(lastHeader), rest, "the table's header row")
  }
  for (const figure of body.querySelectorAll('figure')) {
    if (outside.some((ancestor) => ancestor.contains(figure))) continue
    const caption = figure.querySelector('figcaption')
    const media = [...figure.querySelectorAll('img, svg, video, audio, picture, object, canvas, table, pre')].filter((element) => boxes(element).length > 0)
    if (!caption || boxes(caption).length === 0 || media.length === 0) continue
    const mediaFirst = Math.min(...media.map(firstPage))
    const mediaLast = Math.max(...media.map(lastPage))
    if (caption.compareDocumentPosition(media[0]!) & Node.DOCUMENT_POSITION_FOLLOWING) {
      if (lastPage(caption) < mediaFirst) strand(caption, lastPage(caption), mediaFirst, "the figure's caption")
    } else if (mediaLast < firstPage(caption)) strand(media[0]!, mediaLast, firstPage(caption), "the figure's image")
  }
  for (const heading of body.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    let next = heading.nextElementSibling
    while (next && boxes(next).length === 0) next = next.nextElementSibling
    if (!next || boxes(heading).length === 0) continue
    if (lastPage(heading) < firstPage(next)) strand(heading, lastPage(heading), firstPage(next), 'the heading')
  }
  return {pages, findings}
}

/** Runs in the page: show the page that starts `left` CSS pixels into the document's columns. */
export function scrollTo(left: number): void {
  document.scrollingElement!.scrollLeft = left
}
