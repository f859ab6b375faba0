/**
 * Folio's own checks of an EPUB, which need neither Java nor a browser: the
 * container (mimetype first and stored), the package document's required
 * metadata, a navigation document whose every entry has a label, a manifest
 * whose every item exists with the media type its bytes show, every XML
 * file well-formed with its namespace prefixes declared and its ids unique,
 * and every link and reference landing: on a file of the manifest, and on
 * an id in it when it names one. The build runs these on every EPUB before
 * writing it (editions/epub), so a build that exits 0 wrote an EPUB that
 * passes them. Also gives the book's text in reading order, for text
 * fidelity.
 */
import path from 'node:path'
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

/** Schemes a reading system opens elsewhere; everything else must be inside the book. */
const outsideSchemes = /^(https?|mailto|tel|ftp|sms):/i
/** Attributes that reference another resource, by element (`*`: any element). */
const references: Record<string, string[]> = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  img: ['src'],
  audio: ['src'],
  video: ['src', 'poster'],
  source: ['src'],
  track: ['src'],
  iframe: ['src'],
  embed: ['src'],
  object: ['data'],
  script: ['src'],
  '*': ['xlink:href'],
  content: ['src']
}
/** Attributes that name ids of the same document. */
const idReferences = ['aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-owns', 'aria-flowto', 'headers', 'for']

export async function checkEpub(bytes: Uint8Array): Promise<EpubReading> {
  const problems: string[] = []
  const done = (text = '') => ({result: verdict('epub', 'own checks', problems, summary), text})
  let summary = ''
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.byteLength < 58 || view.readUInt32LE(0) !== 0x04034b50 || view.subarray(30, 38).toString('latin1') !== 'mimetype') problems.push('mimetype is not the first entry')
  else if (view.readUInt16LE(8) !== 0) problems.push('mimetype is compressed (it must be stored)')
  else if (view.subarray(38, 58).toString('latin1') !== 'application/epub+zip') problems.push('mimetype does not say application/epub+zip')

  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes)
  } catch {
    problems.push('the file is not a readable zip')
    return done()
  }
  // Every XML file, parsed once: well-formed, namespace prefixes declared, ids unique.
  const documents = new Map<string, XmlRoot>()
  const ids = new Map<string, Set<string>>()
  for (const [name, entry] of Object.entries(files)) {
    if (!/\.(xhtml|html|opf|ncx|xml|svg)$/i.test(name)) continue
    const tree = xml(entry)
    if (!tree) {
      problems.push(`${name} is not well-formed XML`)
      continue
    }
    documents.set(name, tree)
    ids.set(name, idsOf(tree, name, problems))
    undeclaredPrefixes(tree, name, problems)
  }

  const container = documents.get('META-INF/container.xml')
  const rootfile = container && first(container, 'rootfile')?.attributes['full-path']
  if (!rootfile || !files[rootfile]) {
    problems.push('META-INF/container.xml names no package document that exists')
    return done()
  }
  const opf = documents.get(rootfile)
  if (!opf) return done()
  const base = rootfile.includes('/') ? rootfile.slice(0, rootfile.lastIndexOf('/') + 1) : ''
  const pkg = first(opf, 'package')
  if (!pkg) {
    problems.push(`${rootfile} has no package element`)
    return done()
  }
  const uniqueId = pkg.attributes['unique-identifier']
  const identifier = all(opf, 'dc:identifier').find((element) => element.attributes.id === uniqueId)
  if (!identifier || toString(identifier).trim() === '') problems.push('no dc:identifier for the unique-identifier')
  for (const required of ['dc:title', 'dc:language']) {
    if (!all(opf, required).some((element) => toString(element).trim() !== '')) problems.push(`no ${required}`)
  }
  const modified = all(opf, 'meta').find((element) => element.attributes.property === 'dcterms:modified')
  if (!modified || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(toString(modified).trim())) problems.push('no dcterms:modified in the form CCYY-MM-DDThh:mm:ssZ')

  const items = new Map(all(opf, 'item').map((item) => [item.attributes.id ?? '', item]))
  const manifest = new Map<string, Element>()
  const navigation = [...items.values()].find((item) => (item.attributes.properties ?? '').split(/\s+/).includes('nav'))
  if (!navigation) problems.push('no navigation document (an item with properties="nav")')
  for (const item of items.values()) {
    const href = decode(item.attributes.href ?? '')
    const name = path.posix.normalize(base + href)
    manifest.set(name, item)
    const entry = files[name]
    if (!entry) {
      problems.push(`manifest item ${item.attributes.id} (${href}) is not in the container`)
      continue
    }
    const declared = item.attributes['media-type'] ?? ''
    const actual = await mediaTypeOf(entry, href, documents.has(name))
    if (actual && actual !== declared) problems.push(`manifest item ${href} is declared ${declared} but is ${actual}`)
  }

  // Every reference lands: on a file of the manifest, and on an id in it when it names one.
  let links = 0
  for (const [name, item] of manifest) {
    const type = item.attributes['media-type']
    const tree = documents.get(name)
    if (!tree || (type !== 'application/xhtml+xml' && type !== 'application/x-dtbncx+xml' && type !== 'image/svg+xml')) continue
    walk(tree, (element) => {
      for (const attribute of idReferences) {
        const value = element.attributes[attribute]
        if (typeof value !== 'string') continue
        for (const id of value.split(/\s+/).filter(Boolean)) if (!ids.get(name)?.has(id)) problems.push(`${name}: <${element.name} ${attribute}="${value}"> names #${id}, which the document does not have`)
      }
      for (const attribute of [...(references[element.name] ?? []), ...references['*']!]) {
        const value = element.attributes[attribute]
        if (typeof value !== 'string') continue
        links++
        const problem = landing(value, name, manifest, ids)
        if (problem) problems.push(`${name}: <${element.name} ${attribute}="${value}"> ${problem}`)
      }
    })
  }
  if (navigation) {
    const name = path.posix.normalize(base + decode(navigation.attributes.href ?? ''))
    const nav = documents.get(name)
    for (const element of nav ? all(nav, 'nav') : []) {
      for (const anchor of all(element, 'a')) if (toString(anchor).trim() === '') problems.push(`${name}: an entry of the navigation has no label (href="${anchor.attributes.href ?? ''}")`)
    }
  }

  const texts: string[] = []
  const spine = all(opf, 'itemref')
  for (const itemref of spine) {
    const item = items.get(itemref.attributes.idref ?? '')
    if (!item) {
      problems.push(`spine item ${itemref.attributes.idref} is not in the manifest`)
      continue
    }
    const document = documents.get(path.posix.normalize(base + decode(item.attributes.href ?? '')))
    // The navigation document repeats the headings: only the book's own pages count as its text.
    if (document && itemref.attributes.linear !== 'no' && !(item.attributes.properties ?? '').split(/\s+/).includes('nav')) {
      const body = first(document, 'body')
      if (body) texts.push(toString(body))
    }
  }
  summary = `container, package metadata, navigation, ${items.size} manifest items, ${documents.size} XML files well-formed, ${spine.length} spine documents, ${links} links land`
  return done(texts.join('\n'))
}

/** Why a reference from `from` does not land, or undefined when it does. */
function landing(value: string, from: string, manifest: Map<string, Element>, ids: Map<string, Set<string>>): string | undefined {
  const reference = value.trim()
  if (outsideSchemes.test(reference) || /^data:/i.test(reference)) return undefined
  if (/^[a-z][a-z\d+.-]*:/i.test(reference) || reference.startsWith('//')) return 'points outside the book'
  const hash = reference.indexOf('#')
  const file = hash === -1 ? reference : reference.slice(0, hash)
  const fragment = hash === -1 ? undefined : decode(reference.slice(hash + 1))
  const target = file === '' ? from : path.posix.normalize(path.posix.join(path.posix.dirname(from), decode(file.split('?')[0]!)))
  if (!manifest.has(target)) return `names ${target}, which is not in the manifest`
  if (fragment === undefined || fragment === '') return undefined
  const known = ids.get(target)
  if (known && !known.has(fragment)) return `names #${fragment}, which ${target} does not have`
  return undefined
}

/** The ids of a document; a repeated one is a problem. */
function idsOf(tree: XmlRoot, name: string, problems: string[]): Set<string> {
  const ids = new Set<string>()
  walk(tree, (element) => {
    const id = element.attributes.id ?? element.attributes['xml:id']
    if (typeof id !== 'string') return
    if (ids.has(id)) problems.push(`${name}: the id “${id}” is used twice`)
    ids.add(id)
  })
  return ids
}

/** Prefixed names (`epub:type`) whose prefix no ancestor declares. */
function undeclaredPrefixes(tree: XmlRoot, name: string, problems: string[]): void {
  const reported = new Set<string>()
  const visitElement = (element: Element, inScope: Set<string>): void => {
    let scope = inScope
    for (const attribute of Object.keys(element.attributes)) {
      if (attribute.startsWith('xmlns:')) {
        if (scope === inScope) scope = new Set(inScope)
        scope.add(attribute.slice(6))
      }
    }
    for (const qualified of [element.name, ...Object.keys(element.attributes)]) {
      const colon = qualified.indexOf(':')
      if (colon === -1) continue
      const prefix = qualified.slice(0, colon)
      if (prefix === 'xml' || prefix === 'xmlns' || scope.has(prefix) || reported.has(prefix)) continue
      reported.add(prefix)
      problems.push(`${name}: the namespace prefix ${prefix}: is not declared`)
    }
    for (const child of element.children) if (child.type === 'element') visitElement(child, scope)
  }
  for (const child of tree.children) if (child.type === 'element') visitElement(child, new Set())
}

function xml(bytes: Uint8Array | undefined): XmlRoot | undefined {
  if (!bytes) return undefined
  try {
    return fromXml(strFromU8(bytes))
  } catch {
    return undefined
  }
}

/** Every element, in document order, without recursion (a deep document cannot overflow the stack). */
function walk(tree: XmlRoot | Element, visitor: (element: Element) => void): void {
  const stack: Array<XmlRoot | Element> = [tree]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (node.type === 'element') visitor(node)
    for (let index = node.children.length - 1; index >= 0; index--) {
      const child = node.children[index]!
      if (child.type === 'element') stack.push(child)
    }
  }
}

function all(tree: XmlRoot | Element, name: string): Element[] {
  const found: Element[] = []
  walk(tree, (element) => {
    if (element.name === name && element !== tree) found.push(element)
  })
  return found
}

function first(tree: XmlRoot | Element, name: string): Element | undefined {
  return all(tree, name)[0]
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

/** The media type the bytes show, for the kinds that can be told apart. */
async function mediaTypeOf(bytes: Uint8Array, href: string, wellFormed: boolean): Promise<string | undefined> {
  const sniffed = await fileTypeFromBuffer(bytes)
  if (sniffed?.mime.startsWith('image/') || sniffed?.mime.startsWith('font/')) return sniffed.mime
  if (/\.x?html$/.test(href)) return wellFormed ? 'application/xhtml+xml' : 'not well-formed XML'
  return undefined
}
