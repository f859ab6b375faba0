/**
 * The shipped fonts as a browser job's site serves them: every face and
 * script subset at /fonts/<file>, with @font-face rules that point there.
 * Chromium loads only the files a page uses.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {Resource} from '../browser/virtual-origin.ts'
import {allFontFiles, fontFaceRules} from './typefaces.ts'

export const fontsPath = '/fonts/'

const files = new Map(allFontFiles().map((file) => [path.basename(file.file), file.file]))
const bytes = new Map<string, Uint8Array>()

/** @font-face rules for every shipped font, served from the site. */
export function shippedFontFaces(): string {
  return fontFaceRules(allFontFiles(), (file) => `${fontsPath}${path.basename(file.file)}`)
}

/** The font at a site path such as `/fonts/source-serif-4-latin-400-normal.woff2`. */
export function fontResource(pathname: string): Resource | undefined {
  if (!pathname.startsWith(fontsPath)) return undefined
  const name = pathname.slice(fontsPath.length)
  const file = files.get(name)
  if (!file) return undefined
  let body = bytes.get(name)
  if (!body) {
    body = readFileSync(file)
    bytes.set(name, body)
  }
  return {contentType: 'font/woff2', body}
}
