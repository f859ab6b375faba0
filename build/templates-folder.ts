/**
 * Where the shared templates, stylesheets and strings live, and reading
 * them: each file is parsed once and again only when it changes on disk, so
 * `folio watch` picks up an edited template on the next rebuild.
 */
import {readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {TemplateError} from './errors.ts'
import {projectRoot} from './project.ts'

export const templatesFolder = path.join(projectRoot, 'templates')

/**
 * The page templates, each with the slots Folio fills in it: a theme's
 * template (docs/templates.md) may use these and no others, and an edition
 * must give a value (or none) for every one.
 */
export const templateSlots: Record<string, string[]> = {
  'html/page.html': [
    'lang', 'dir', 'title', 'description', 'keywords', 'authors', 'generator', 'ogType', 'ogLocale', 'canonical', 'ogImage', 'ogImageAlt', 'citationMeta', 'jsonLd',
    'styles', 'skipToText', 'masthead', 'logo', 'series', 'reportNumber', 'subtitle', 'contributors', 'date', 'edition', 'abstract',
    'downloadsLabel', 'downloads', 'contents', 'toc', 'text', 'colophon'
  ],
  'pdf/page.html': [
    'lang', 'dir', 'pageClass', 'title', 'styles', 'titlePage', 'masthead', 'logo', 'series', 'reportNumber', 'subtitle', 'contributors',
    'date', 'publisher', 'imprint', 'titleBlock', 'abstract', 'contents', 'toc', 'text', 'colophon', 'marginText'
  ],
  'epub/page.html': ['lang', 'dir', 'title', 'stylesheet', 'bodyType', 'text'],
  'epub/cover.html': ['lang', 'dir', 'series', 'title', 'titleSize', 'subtitle', 'authors', 'publisher', 'logo', 'styles']
}

const parsed = new Map<string, {modified: number; value: unknown}>()

/**
 * A file of templates/, parsed.
 *
 * @param relative Path below templates/ (`styles/base.css`).
 * @param parse Turns the text into what the caller keeps.
 * @returns The parsed file, or undefined when it does not exist.
 */
export function readTemplateFile<T>(relative: string, parse: (text: string) => T): T | undefined {
  const file = path.join(templatesFolder, relative)
  let modified: number
  try {
    modified = statSync(file).mtimeMs
  } catch {
    return undefined
  }
  const cached = parsed.get(file)
  if (cached && cached.modified === modified) return cached.value as T
  try {
    const value = parse(readFileSync(file, 'utf8'))
    parsed.set(file, {modified, value})
    return value
  } catch (error) {
    throw new TemplateError(`templates/${relative} cannot be read: ${(error as Error).message}`, {cause: error})
  }
}
