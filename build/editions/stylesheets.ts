/**
 * The shared stylesheets of templates/styles/, read once per process.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {TemplateError} from '../errors.ts'
import {templatesFolder} from '../templates-folder.ts'

const cache = new Map<string, string>()

/** The text of `templates/styles/<name>.css`. */
export function stylesheet(name: 'base' | 'screen' | 'print' | 'ereader' | 'cover'): string {
  let css = cache.get(name)
  if (css === undefined) {
    try {
      css = readFileSync(path.join(templatesFolder, 'styles', `${name}.css`), 'utf8')
    } catch (error) {
      throw new TemplateError(`Stylesheet templates/styles/${name}.css cannot be read`, {cause: error})
    }
    cache.set(name, css)
  }
  return css
}
