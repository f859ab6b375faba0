/**
 * The shipped fonts' bytes, and the fonts as a browser job's site serves
 * them: every face and script subset at /fonts/<file>, with @font-face rules
 * that point there. Chromium loads only the files a page uses.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {Resource} from '../browser/virtual-origin.ts'
import {allFontFiles, fontFaceRules} from './typefaces.ts'

export const fontsPath = '/fonts/'

let filesByName: Map<string, string> | undefined
const bytesByPath = new Map<string, Uint8Array>()

/** A shipped font file's bytes, read once per process: every edition of every build embeds or serves the same files. */
export function fontBytes(file: string): Uint8Array {
  let bytes = bytesByPath.get(file)
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(file))
    bytesByPath.set(file, bytes)
  }
  return bytes
}

/** @font-face rules for every shipped font, served from the site. */
export function shippedFontFaces(): string {
  return fontFaceRules(allFontFiles(), (file) => `${fontsPath}${path.basename(file.file)}`)
}

/** The font at a site path such as `/fonts/source-serif-4-latin-400-normal.woff2`. */
export function fontResource(pathname: string): Resource | undefined {
  if (!pathname.startsWith(fontsPath)) return undefined
  filesByName ??= new Map(allFontFiles().map((file) => [path.basename(file.file), file.file]))
  const file = filesByName.get(pathname.slice(fontsPath.length))
  return file ? {contentType: 'font/woff2', body: fontBytes(file)} : undefined
}
