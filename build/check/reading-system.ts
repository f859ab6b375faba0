/**
 * The EPUB read the way reading systems show it. Each spine document is
 * loaded in the shared Chromium and laid out in CSS columns at a phone's
 * page, by one of two engines, each taken from a real reading system:
 *
 * - Readium: Readium CSS (npm `@readium/css`, the reference stylesheets of
 *   Readium-based reading systems: Thorium, the Readium toolkits) before
 *   and after the book's stylesheet, in day, sepia and night modes;
 * - Calibre: the body in columns as Calibre's viewer (6.13) sets it, with
 *   its colour schemes, which keep the colours a book gives its elements.
 *
 * On every page it looks for what a reader would meet: content off the
 * page, text that does not stand out from its background (WCAG 2
 * contrast), and a caption, header row, image or heading at the foot of a
 * page with the rest on the next. Nothing is fetched: the book's files are
 * served from the job's virtual origin.
 */
import {readFileSync} from 'node:fs'
import {strFromU8, unzipSync} from 'fflate'
import type {Page} from 'puppeteer'
import type {Element as XmlElement, Root as XmlRoot} from 'xast'
import {fromXml} from 'xast-util-from-xml'
import type {BrowserService} from '../browser/browser-service.ts'
import type {Resource, Site} from '../browser/virtual-origin.ts'
import {FolioError} from '../errors.ts'
import {requireFromProject} from '../project.ts'
import {readPage, scrollTo, type PageFinding, type PageLayout, type ReadingCheck, type ReadingMode} from './reading-system-page.ts'

/** Readium's paged view with its phone margins (20 px each side). */
const readiumPaged = '--USER__view: readium-paged-on; --RS__pageGutter: 20px;'

/** Calibre's colours: inline on the root and the body, and a stylesheet for links (its read_book/settings apply_colors). */
const calibreColours = (text: string, page: string, link?: string): Omit<ReadingMode, 'engine' | 'description'> => ({
  root: `color: ${text}; background-color: ${page};`,
  body: `color: ${text}; background-color: transparent;`,
  ...(link ? {sheet: `html > body :link, html > body :link * { color: ${link} !important } html > body :visited, html > body :visited * { color: ${link} !important }`} : {})
})

/**
 * The modes. Readium's navigator sets custom properties and flags in the
 * root's style attribute; its colour presets are Readium CSS 1's
 * `readium-sepia-on` and `readium-night-on`, set through Readium CSS 2's
 * custom colours, which make every element's colour and background give
 * way to the theme's. Calibre's schemes are those of its viewer, with its
 * default "Override all book colours: Never".
 */
export const readingModes = {
  day: {engine: 'readium', description: 'Readium CSS, no theme: white page, #121212 text', root: readiumPaged},
  sepia: {
    engine: 'readium',
    description: 'Readium CSS sepia: #faf4e8 page, #121212 text, images blended',
    root: `${readiumPaged} --USER__backgroundColor: #faf4e8; --USER__textColor: #121212; --USER__linkColor: #0000EE; --USER__visitedColor: #551A8B; --USER__blendFilter: readium-blend-on;`
  },
  night: {
    engine: 'readium',
    description: 'Readium CSS night: #000000 page, #FEFEFE text, #63caff links',
    root: `${readiumPaged} --USER__backgroundColor: #000000; --USER__textColor: #FEFEFE; --USER__linkColor: #63caff; --USER__visitedColor: #0099E5;`
  },
  calibre: {engine: 'calibre', description: "Calibre's viewer, White scheme: #ffffff page, #000000 text, the book's colours kept", ...calibreColours('#000000', '#ffffff')},
  'calibre-dark': {engine: 'calibre', description: "Calibre's viewer, Black scheme: #000000 page, #ffffff text, #4f81bd links, the book's colours kept", ...calibreColours('#ffffff', '#000000', '#4f81bd')}
} satisfies Record<string, ReadingMode>

export type ReadingModeName = keyof typeof readingModes

export interface ReadingSystemOptions {
  browser: BrowserService
  /** The modes to read in; default: every mode. */
  modes?: ReadingModeName[]
  /** The screen in CSS pixels; default: a phone's, 375 × 667. */
  screen?: {width: number; height: number}
  /** The least contrast text may have against its background; default 4.5 (WCAG 2, 1.4.3, at every size: the reader picks the size). */
  minimumContrast?: number
  /** Take pictures of the first this many pages of each document in each mode; default 0. */
  screenshots?: number
  /** What the book is, for messages ("the brief's EPUB"). */
  name?: string
}

export type {ReadingCheck, ReadingMode}

/** Something a reader would see wrong, and where. */
export interface ReadingFinding extends PageFinding {
  mode: ReadingModeName
  /** The spine document, by its path in the EPUB (`EPUB/text/findings.xhtml`). */
  document: string
}

export interface ReadingScreenshot {
  document: string
  mode: ReadingModeName
  /** From 1. */
  page: number
  png: Uint8Array
}

export interface ReadingSystemReport {
  /** The spine's documents, with how many pages each has in each mode. */
  documents: Array<{path: string; pages: Partial<Record<ReadingModeName, number>>}>
  findings: ReadingFinding[]
  screenshots: ReadingScreenshot[]
}

/** The EPUB cannot be opened as a reading system would (no container, package or spine). */
export class ReadingSystemError extends FolioError {
  override name = 'ReadingSystemError'
}

const phone = {width: 375, height: 667}
/** Calibre's viewer's default page margins, outside the frame the book is shown in. */
const calibreMargin = 20

/**
 * Where each engine puts the text on a screen: the frame the document is
 * shown in (its viewport), and the text area of the first page inside it.
 */
function layoutOf(engine: ReadingMode['engine'], screen: {width: number; height: number}, minimumContrast: number): PageLayout & {viewport: {width: number; height: number}} {
  if (engine === 'readium') {
    // One column the frame's width; Readium's gutter is the body's padding, inside each column.
    return {viewport: screen, stride: screen.width, textLeft: 20, textWidth: screen.width - 40, height: screen.height, minimumContrast}
  }
  // Calibre's frame is the screen less its margins; the columns are the frame's width apart by the side margins.
  const viewport = {width: screen.width - 2 * calibreMargin, height: screen.height - 2 * calibreMargin}
  return {viewport, stride: viewport.width + 2 * calibreMargin, textLeft: 0, textWidth: viewport.width, height: viewport.height, minimumContrast}
}

/** Read an EPUB's spine in a reading system's view, in each mode, and report what a reader would see wrong. */
export async function readInReadingSystem(epub: Uint8Array, options: ReadingSystemOptions): Promise<ReadingSystemReport> {
  const files = unzipEpub(epub)
  const spine = spineOf(files)
  const modes = options.modes ?? (Object.keys(readingModes) as ReadingModeName[])
  const screen = options.screen ?? phone
  const readium = readiumStylesheets()
  const report: ReadingSystemReport = {documents: [], findings: [], screenshots: []}
  await options.browser.run({site: bookSite(files), description: `reading ${options.name ?? 'the EPUB'} in a reading system's view`}, async (tab) => {
    const viewport = tab.viewport()
    try {
      for (const path of spine) {
        const pages: Partial<Record<ReadingModeName, number>> = {}
        await tab.goto(`https://folio.invalid/${path.split('/').map(encodeURIComponent).join('/')}`, {waitUntil: 'load'})
        // The functions sent to the page are compiled by tsx or esbuild, which name them with a helper the page lacks.
        await tab.evaluate('globalThis.__name = (target) => target; document.fonts.ready.then(() => true)')
        for (const name of modes) {
          const mode: ReadingMode = readingModes[name]
          const layout = layoutOf(mode.engine, screen, options.minimumContrast ?? 4.5)
          const current = tab.viewport()
          if (current?.width !== layout.viewport.width || current.height !== layout.viewport.height) await tab.setViewport({...layout.viewport, deviceScaleFactor: 1})
          const reading = await tab.evaluate(readPage, layout, mode, readium)
          pages[name] = reading.pages
          for (const finding of reading.findings) report.findings.push({...finding, mode: name, document: path})
          const pictures = Math.min(options.screenshots ?? 0, reading.pages)
          for (let number = 1; number <= pictures; number++) {
            report.screenshots.push({document: path, mode: name, page: number, png: await pictureOf(tab, (number - 1) * layout.stride)})
          }
        }
        report.documents.push({path, pages})
      }
    } finally {
      if (viewport) await tab.setViewport(viewport)
    }
  })
  return report
}

/** One line per finding, for messages and test failures. */
export function describeFinding(finding: ReadingFinding): string {
  return `${finding.mode} ${finding.document} p.${finding.page} ${finding.check}: ${finding.element} “${finding.text}”: ${finding.detail}`
}

function unzipEpub(epub: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(epub)
  } catch (error) {
    throw new ReadingSystemError('The EPUB is not a readable zip', {cause: error})
  }
}

/** The spine's linear XHTML documents, by their paths in the zip, in reading order. */
function spineOf(files: Record<string, Uint8Array>): string[] {
  const container = xml(files['META-INF/container.xml'])
  const rootfile = container && elements(container, 'rootfile')[0]?.attributes['full-path']
  const opf = rootfile ? xml(files[rootfile]) : undefined
  if (!rootfile || !opf) throw new ReadingSystemError('The EPUB has no package document that META-INF/container.xml names')
  const base = rootfile.includes('/') ? rootfile.slice(0, rootfile.lastIndexOf('/') + 1) : ''
  const items = new Map(elements(opf, 'item').map((item) => [item.attributes.id ?? '', item]))
  const spine = elements(opf, 'itemref')
    .filter((itemref) => itemref.attributes.linear !== 'no')
    .map((itemref) => items.get(itemref.attributes.idref ?? ''))
    .filter((item) => item?.attributes['media-type'] === 'application/xhtml+xml')
    .map((item) => base + decodeURIComponent(item!.attributes.href ?? ''))
    .filter((path) => files[path] !== undefined)
  if (spine.length === 0) throw new ReadingSystemError(`The package document ${rootfile} has no XHTML document in its spine`)
  return spine
}

function xml(bytes: Uint8Array | undefined): XmlRoot | undefined {
  if (!bytes) return undefined
  try {
    return fromXml(strFromU8(bytes))
  } catch {
    return undefined
  }
}

function elements(tree: XmlRoot | XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = []
  for (const child of tree.children) {
    if (child.type !== 'element') continue
    if (child.name === name) found.push(child)
    found.push(...elements(child, name))
  }
  return found
}

const mediaTypes: Record<string, string> = {
  xhtml: 'application/xhtml+xml; charset=utf-8',
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  woff2: 'font/woff2',
  woff: 'font/woff',
  ttf: 'font/ttf',
  otf: 'font/otf'
}

/** The book's files at their paths in the zip. */
function bookSite(files: Record<string, Uint8Array>): Site {
  return (pathname): Resource | undefined => {
    if (pathname === '/index.html') return {contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Reading system</title>'}
    const name = pathname.slice(1)
    const bytes = files[name]
    if (!bytes) return undefined
    return {contentType: mediaTypes[name.split('.').pop()!.toLowerCase()] ?? 'application/octet-stream', body: bytes}
  }
}

let readiumSheets: {before: string; after: string} | undefined

/** Readium CSS's stylesheets for left-to-right scripts, read once. */
function readiumStylesheets(): {before: string; after: string} {
  const sheet = (name: string) => readFileSync(requireFromProject.resolve(`@readium/css/css/dist/${name}`), 'utf8')
  readiumSheets ??= {before: sheet('ReadiumCSS-before.css'), after: sheet('ReadiumCSS-after.css')}
  return readiumSheets
}

/** A picture of the page that starts `left` CSS pixels into the loaded document's columns. */
async function pictureOf(tab: Page, left: number): Promise<Uint8Array> {
  await tab.evaluate(scrollTo, left)
  const png = await tab.screenshot({type: 'png'})
  await tab.evaluate(scrollTo, 0)
  return new Uint8Array(png)
}
