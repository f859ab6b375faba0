/**
 * The package document (content.opf, EPUB 3.3 §5): metadata, manifest and
 * spine. Only what the manuscript says goes in: no creator, publisher or
 * rights it does not name; dates from SOURCE_DATE_EPOCH or the manuscript.
 */
import {x} from 'xastscript'
import type {Element} from 'xast'
import type {Metadata} from '../../document/document.ts'
import type {AccessibilityFacts} from './accessibility.ts'
import {xmlText} from './xml.ts'

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
    // The ISBN as a second identifier when the book's own is another URN.
    ...(metadata.isbn && !metadata.identifier.startsWith('urn:isbn:') ? [x('dc:identifier', {id: 'isbn'}, `urn:isbn:${metadata.isbn.replace(/[\s-]/g, '')}`)] : []),
    // The DOI too, typed by ONIX code list 5 (06: DOI), as EPUB 3.3 §5.5.3.1 shows for identifiers.
    ...(metadata.doi ? [x('dc:identifier', {id: 'doi'}, `doi:${metadata.doi}`), x('meta', {refines: '#doi', property: 'identifier-type', scheme: 'onix:codelist5'}, '06')] : []),
    // Authors are creators; editors, translators and the rest contributors, each with a MARC relator,
    // and their affiliations as schema.org says them (a reserved prefix of EPUB 3).
    ...metadata.contributors.flatMap((contributor, index) => [
      x(contributor.role === 'aut' ? 'dc:creator' : 'dc:contributor', {id: `contributor-${index + 1}`}, contributor.name),
      x('meta', {refines: `#contributor-${index + 1}`, property: 'role', scheme: 'marc:relators'}, contributor.role),
      ...contributor.affiliations.map((affiliation) => x('meta', {refines: `#contributor-${index + 1}`, property: 'schema:affiliation'}, affiliation)),
      ...(contributor.orcid ? [x('meta', {refines: `#contributor-${index + 1}`, property: 'schema:identifier'}, `https://orcid.org/${contributor.orcid}`)] : [])
    ]),
    ...(metadata.publisher ? [x('dc:publisher', metadata.publisher)] : []),
    ...(metadata.rights || metadata.license ? [x('dc:rights', [metadata.rights, metadata.license ? ('url' in metadata.license ? `${metadata.license.name} (${metadata.license.id}), ${metadata.license.url}` : metadata.license.id) : undefined].filter(Boolean).join(' '))] : []),
    ...(metadata.description || metadata.abstract ? [x('dc:description', (metadata.description ?? metadata.abstract)!)] : []),
    // A series is a collection (EPUB 3.3 §5.5.6, belongs-to-collection).
    ...(metadata.series ? [x('meta', {property: 'belongs-to-collection', id: 'series'}, metadata.series), x('meta', {refines: '#series', property: 'collection-type'}, 'series')] : []),
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
  return `<?xml version="1.0" encoding="UTF-8"?>\n${xmlText(indent(tree), {closeEmptyElements: true})}\n`
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
