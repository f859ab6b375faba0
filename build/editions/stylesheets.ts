/**
 * The shared stylesheets of templates/styles/.
 */
import {visit, EXIT} from 'unist-util-visit'
import type {Document} from '../document/document.ts'
import {TemplateError} from '../errors.ts'
import {readTemplateFile} from '../templates-folder.ts'

/** The text of `templates/styles/<name>.css`. */
export function stylesheet(name: 'base' | 'screen' | 'print' | 'html-print' | 'ereader' | 'cover' | 'citations'): string {
  const css = readTemplateFile(`styles/${name}.css`, (text) => text)
  if (css === undefined) throw new TemplateError(`Stylesheet templates/styles/${name}.css is missing`)
  return css
}

/** The stylesheets a work needs beyond the shared ones: the bibliography's, when it has one. */
export function workStylesheets(document: Document): string[] {
  let bibliography = false
  for (const chapter of document.chapters) {
    visit(chapter.tree, 'element', (node) => {
      if (node.properties.role !== 'doc-bibliography') return undefined
      bibliography = true
      return EXIT
    })
  }
  return bibliography ? [stylesheet('citations')] : []
}
