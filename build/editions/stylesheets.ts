/**
 * The shared stylesheets of templates/styles/.
 */
import {TemplateError} from '../errors.ts'
import {readTemplateFile} from '../templates-folder.ts'

/** The text of `templates/styles/<name>.css`. */
export function stylesheet(name: 'base' | 'screen' | 'print' | 'ereader' | 'cover'): string {
  const css = readTemplateFile(`styles/${name}.css`, (text) => text)
  if (css === undefined) throw new TemplateError(`Stylesheet templates/styles/${name}.css is missing`)
  return css
}
