/**
 * Accessibility metadata (EPUB Accessibility 1.1), derived from the content:
 * only what is true of this book is claimed, and conformance only when the
 * build's own checks passed (every image has alt text or is marked
 * decorative; the book has a language, a title and a table of contents).
 */
import type {Document} from '../../document/document.ts'

export interface AccessibilityFacts {
  accessModes: string[]
  accessModesSufficient: string[]
  features: string[]
  hazards: string[]
  summary: string
  /** The conformance statement, when the checks passed. */
  conformsTo?: string
}

export const conformance = 'EPUB Accessibility 1.1 - WCAG 2.2 Level AA'

export function accessibilityFacts(document: Document, options: {hasImages: boolean; hasMath: boolean}): AccessibilityFacts {
  const allAlt = document.imagesWithoutAlt === 0
  const features = ['structuralNavigation', 'tableOfContents', 'readingOrder']
  if (options.hasImages && allAlt) features.push('alternativeText')
  if (options.hasMath) features.push('MathML')
  const passed = allAlt && Boolean(document.metadata.lang) && Boolean(document.metadata.title)
  const sentences = [
    passed ? `This publication meets ${conformance}.` : 'This publication does not claim conformance to an accessibility standard.',
    'It has a table of contents, headings for navigation and a logical reading order.',
    options.hasImages ? (allAlt ? 'Images have text alternatives.' : 'Some images have no text alternative.') : 'It has no images.',
    'It contains no flashing, motion or sound hazards.'
  ]
  return {
    accessModes: options.hasImages ? ['textual', 'visual'] : ['textual'],
    accessModesSufficient: options.hasImages && !allAlt ? ['textual,visual'] : ['textual'],
    features,
    hazards: ['none'],
    summary: sentences.join(' '),
    ...(passed ? {conformsTo: conformance} : {})
  }
}
