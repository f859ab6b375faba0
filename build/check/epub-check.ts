/**
 * Folio's own checks of an EPUB, which need neither Java nor a browser: the
 * container (mimetype first and stored), the package document's required
 * metadata, a navigation document, a manifest whose every item exists with
 * the media type its bytes show, and spine documents that are well-formed
 * XML. Also gives the book's text in reading order, for text fidelity.
 */
import {strFromU8, unzipSync} from 'fflate'
import {fileTypeFromBuffer} from 'file-type'
import type {Element, Root as XmlRoot} from 'xast'
import {fromXml} from 'xast-util-from-xml'
import {toString} from 'xast-util-to-string'
import {verdict, type CheckResult} from './results.ts'

export interface EpubReading {
  result: CheckResult
  /** The spine's documents' text, in reading order. */
  text: string
}

export async function checkEpub(bytes: Uint8Array): Promise<EpubReading> {
  const problems: string[] = []
  const done = (text = '') => ({result: verdict('epub', 'own checks', problems, summary), text})
  let summary = ''
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.readUInt32LE(0) !== 0x04034b50 || view.subarray(30, 38).toString('latin1') !== 'mimetype') problems.push('mimetype is not the first entry')
  else if (view.readUInt16LE(8) !== 0) problems.push('mimetype is compressed (it must be stored)')
  else if (view.subarray(38, 58).toString('latin1') !== 'application/epub+zip') problems.push('mimetype does not say application/epub+zip')

  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes)
  } catch {
    problems.push('the file is not a readable zip')
    return done()
  }
  const container = xml(files['META-INF/container.xml'])
  const rootfile = container && first(container, 'rootfile')?.attributes['full-path']
  if (!rootfile || !files[rootfile]) {
    problems.push('META-INF/container.xml names no package document that exists')
    return done()
  }
  const opf = xml(files[rootfile])
  if (!opf) {
    problems.push(`${rootfile} is not well-formed XML`)
    return done()
  }
  const base = rootfile.includes('/') ? rootfile.slice(0, rootfile.lastIndexOf('/') + 1) : ''
  const pkg = first(opf, 'package')!
  const uniqueId = pkg.attributes['unique-identifier']
  const identifier = all(opf, 'dc:identifier').find((element) => element.attributes.id === uniqueId)
  if (!identifier || toString(identifier).trim() === '') problems.push('no dc:identifier for the unique-identifier')
  for (const required of ['dc:title', 'dc:language']) {
    if (!all(opf, required).some((element) => toString(element).trim() !== '')) problems.push(`no ${required}`)
  }
  const modified = all(opf, 'meta').find((element) => element.attributes.property === 'dcterms:modified')
  if (!modified || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(toString(modified).trim())) problems.push('no dcterms:modified in the form CCYY-MM-DDThh:mm:ssZ')

  const items = new Map(all(opf, 'item').map((item) => [item.attributes.id ?? '', item]))
  if (![...items.values()].some((item) => (item.attributes.properties ?? '').split(/\s+/).includes('nav'))) problems.push('no navigation document (an item with properties="nav")')
  for (const item of items.values()) {
    const href = decodeURIComponent(item.attributes.href ?? '')
    const entry = files[base + href]
    if (!entry) {
      problems.push(`manifest item ${item.attributes.id} (${href}) is not in the container`)
      continue
    }
    const declared = item.attributes['media-type'] ?? ''
    const actual = await mediaTypeOf(entry, href)
    if (actual && actual !== declared) problems.push(`manifest item ${href} is declared ${declared} but is ${actual}`)
  }
  const texts: string[] = []
  const spine = all(opf, 'itemref')
  for (const itemref of spine) {
    const item = items.get(itemref.attributes.idref ?? '')
    if (!item) {
      problems.push(`spine item ${itemref.attributes.idref} is not in the manifest`)
      continue
    }
    const entry = files[base + decodeURIComponent(item.attributes.href ?? '')]
    if (!entry) continue
    const document = xml(entry)
    if (!document) problems.push(`${item.attributes.href} is not well-formed XML`)
    // The navigation document repeats the headings: only the book's own pages count as its text.
    else if (itemref.attributes.linear !== 'no' && !(item.attributes.properties ?? '').split(/\s+/).includes('nav')) {
      const body = first(document, 'body')
      if (body) texts.push(toString(body))
    }
  }
  summary = `container, package metadata, navigation, ${items.size} manifest items, ${spine.length} spine documents well-formed`
  return done(texts.join('\n'))
}

function xml(bytes: Uint8Array | undefined): XmlRoot | undefined {
  if (!bytes) return undefined
  try {
    return fromXml(strFromU8(bytes))
  } catch {
    return undefined
  }
}

function all(tree: XmlRoot | Element, name: string): Element[] {
  const found: Element[] = []
  const walk = (node: XmlRoot | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue
      if (child.name === name) found.push(child)
      walk(child)
    }
  }
  walk(tree)
  return found
}

function first(tree: XmlRoot | Element, name: string): Element | undefined {
  return all(tree, name)[0]
}

/** The media type the bytes show, for the kinds that can be told apart. */
async function mediaTypeOf(bytes: Uint8Array, href: string): Promise<string | undefined> {
  const sniffed = await fileTypeFromBuffer(bytes)
  if (sniffed?.mime.startsWith('image/') || sniffed?.mime.startsWith('font/')) return sniffed.mime
  if (/\.x?html$/.test(href)) return xml(bytes) ? 'application/xhtml+xml' : 'not well-formed XML'
  return undefined
}
