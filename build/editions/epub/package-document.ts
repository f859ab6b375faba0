/**
 * The package document (content.opf, EPUB 3.3 §5): metadata, manifest and
 * spine. Only what the manuscript says goes in: no creator, publisher or
 * rights it does not name; dates from SOURCE_DATE_EPOCH or the manuscript.
 */
import {toXml} from 'xast-util-to-xml'
import {x} from 'xastscript'
import type {Element} from 'xast'
import type {Metadata} from '../../document/document.ts'
import type {AccessibilityFacts} from './accessibility.ts'

export interface ManifestItem {
  id: string
  /** Relative to the package document. */
  href: string
  mediaType: string
  properties?: string
}

export interface PackageOptions {
  metadata: Metadata
  /** dc:date: the publication date, when known (a full timestamp). */
  date?: string
  /** dcterms:modified (a full timestamp). */
  modified: string
  accessibility: AccessibilityFacts
  manifest: ManifestItem[]
  /** Ids of manifest items in reading order; `linear: false` for pages off the reading path. */
  spine: Array<{idref: string; linear?: boolean}>
  coverImageId: string
}

export function packageDocument(options: PackageOptions): string {
  const {metadata, accessibility} = options
  const meta = (property: string, value: string, refines?: string): Element =>
    x('meta', {property, ...(refines ? {refines} : {})}, value)
  const metadataElements: Element[] = [
    x('dc:identifier', {id: 'pub-id'}, metadata.identifier),
    x('dc:title', {id: 'title'}, metadata.title),
    meta('title-type', 'main', '#title'),
    ...(metadata.subtitle ? [x('dc:title', {id: 'subtitle'}, metadata.subtitle), meta('title-type', 'subtitle', '#subtitle')] : []),
    x('dc:language', metadata.lang),
    ...metadata.authors.flatMap((name, index) => [
      x('dc:creator', {id: `creator-${index + 1}`}, name),
      x('meta', {refines: `#creator-${index + 1}`, property: 'role', scheme: 'marc:relators'}, 'aut')
    ]),
    ...(metadata.publisher ? [x('dc:publisher', metadata.publisher)] : []),
    ...(metadata.rights ? [x('dc:rights', metadata.rights)] : []),
    ...(metadata.description ? [x('dc:description', metadata.description)] : []),
    ...metadata.subjects.map((subject) => x('dc:subject', subject)),
    ...(options.date ? [x('dc:date', options.date)] : []),
    meta('dcterms:modified', options.modified),
    x('meta', {name: 'cover', content: options.coverImageId}),
    ...accessibility.accessModes.map((mode) => meta('schema:accessMode', mode)),
    ...accessibility.accessModesSufficient.map((mode) => meta('schema:accessModeSufficient', mode)),
    ...accessibility.features.map((feature) => meta('schema:accessibilityFeature', feature)),
    ...accessibility.hazards.map((hazard) => meta('schema:accessibilityHazard', hazard)),
    meta('schema:accessibilitySummary', accessibility.summary),
    ...(accessibility.conformsTo ? [meta('dcterms:conformsTo', accessibility.conformsTo)] : [])
  ]
  const tree = x(
    'package',
    {
      xmlns: 'http://www.idpf.org/2007/opf',
      version: '3.0',
      'unique-identifier': 'pub-id',
      'xml:lang': metadata.lang,
      ...(metadata.dir === 'rtl' ? {dir: 'rtl'} : {})
    },
    [
      x('metadata', {'xmlns:dc': 'http://purl.org/dc/elements/1.1/'}, metadataElements),
      x(
        'manifest',
        options.manifest.map((item) =>
          x('item', {id: item.id, href: item.href, 'media-type': item.mediaType, ...(item.properties ? {properties: item.properties} : {})})
        )
      ),
      x(
        'spine',
        {toc: 'ncx', ...(metadata.dir === 'rtl' ? {'page-progression-direction': 'rtl'} : {})},
        options.spine.map((item) => x('itemref', {idref: item.idref, ...(item.linear === false ? {linear: 'no'} : {})}))
      )
    ]
  )
  return `<?xml version="1.0" encoding="UTF-8"?>\n${toXml(indent(tree), {closeEmptyElements: true})}\n`
}

/** One element per line, for people who open the file. */
function indent(element: Element, depth = 0): Element {
  const blocks = element.children.filter((child): child is Element => child.type === 'element')
  if (blocks.length === 0 || blocks.length !== element.children.length) return element
  const pad = '\n' + '  '.repeat(depth + 1)
  element.children = blocks.flatMap((child) => [{type: 'text', value: pad} as const, indent(child, depth + 1)])
  element.children.push({type: 'text', value: '\n' + '  '.repeat(depth)})
  return element
}
