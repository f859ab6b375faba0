/**
 * Font files as the editions carry them. The HTML page and the EPUB embed
 * only the faces their text uses. The HTML page: Folio's own as its WOFF2
 * subset files, a theme's subset to the characters set in it (HarfBuzz,
 * through subset-font). The EPUB: each as TrueType (or OpenType), subset to
 * the book's characters (ereaderFontBytes). The PDF's page declares every face, served from the
 * browser job's site at /fonts/, and Chromium loads and subsets those it
 * uses; a theme's are served with TrueType outlines (../read/theme-fonts.ts).
 */
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import type {Resource} from '../browser/virtual-origin.ts'
import type {Theme} from '../document/theme.ts'
import {allFontFiles, fontFaceRules, type FontFile, type ThemeFontFile} from './typefaces.ts'

export const fontsPath = '/fonts/'

const bytesByPath = new Map<string, Uint8Array>()
const subsets = new Map<string, Promise<Uint8Array>>()

/** A shipped font file's bytes, read once per process: every edition of every build embeds or serves the same files. */
export function shippedFontBytes(file: string): Uint8Array {
  let bytes = bytesByPath.get(file)
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(file))
    bytesByPath.set(file, bytes)
  }
  return bytes
}

/** A font file to embed, as WOFF2: a shipped file as it is, a theme's face subset to the characters it sets. */
export async function embeddedFontBytes(file: FontFile): Promise<Uint8Array> {
  if (file.kind === 'shipped') return shippedFontBytes(file.file)
  const text = String.fromCodePoint(...[...file.points].sort((a, b) => a - b))
  const key = createHash('sha256').update(file.font.sfnt).update(text).digest('hex')
  let subset = subsets.get(key)
  if (!subset) {
    subset = import('subset-font').then(async ({default: subsetFont}) =>
      new Uint8Array(await subsetFont(Buffer.from(file.font.sfnt.buffer, file.font.sfnt.byteOffset, file.font.sfnt.byteLength), text, {targetFormat: 'woff2'}))
    )
    subsets.set(key, subset)
  }
  return subset
}

/**
 * Characters a reading system may set that are not in the text: the other
 * case of every letter (`text-transform`), digits, punctuation and bullets
 * of list markers, the hyphen of automatic hyphenation.
 */
function setAnyway(points: Set<number>): Set<number> {
  const all = new Set(points)
  for (let point = 0x21; point <= 0x7e; point += 1) all.add(point)
  for (const point of [0xad, 0x2010, 0x2011, 0x2022, 0x25e6, 0x25aa, 0x2026]) all.add(point)
  for (const point of points) {
    const character = String.fromCodePoint(point)
    for (const other of [character.toUpperCase(), character.toLowerCase()]) if ([...other].length === 1) all.add(other.codePointAt(0)!)
  }
  return all
}

/** A font file for the EPUB, as it carries it. */
export interface EreaderFont {
  bytes: Uint8Array
  /** `ttf` or `otf` (PostScript outlines). */
  extension: 'ttf' | 'otf'
  mediaType: 'font/ttf' | 'font/otf'
}

const ereaderSubsets = new Map<string, Promise<Uint8Array>>()

/**
 * A font file for the EPUB: an sfnt (TrueType, or OpenType with PostScript
 * outlines), subset to the book's characters. Kindle's conversion and
 * older reading systems take TrueType and OpenType, not WOFF2 (Amazon's
 * Kindle Publishing Guidelines, fonts); a shipped WOFF2 file is unpacked
 * and subset by HarfBuzz (subset-font), which keeps kerning and ligatures.
 *
 * @param points The code points of the book's text.
 */
export async function ereaderFontBytes(file: FontFile, points: Set<number>): Promise<EreaderFont> {
  const source = file.kind === 'shipped' ? shippedFontBytes(file.file) : file.font.sfnt
  const wanted = file.kind === 'shipped' ? setAnyway(points) : setAnyway(file.points)
  const text = String.fromCodePoint(...[...wanted].sort((a, b) => a - b))
  const key = createHash('sha256').update(source).update(text).digest('hex')
  let subset = ereaderSubsets.get(key)
  if (!subset) {
    subset = import('subset-font').then(async ({default: subsetFont}) =>
      new Uint8Array(await subsetFont(Buffer.from(source.buffer, source.byteOffset, source.byteLength), text, {targetFormat: 'truetype'}))
    )
    ereaderSubsets.set(key, subset)
  }
  const bytes = await subset
  const postScript = bytes[0] === 0x4f && bytes[1] === 0x54 && bytes[2] === 0x54 && bytes[3] === 0x4f
  return postScript ? {bytes, extension: 'otf', mediaType: 'font/otf'} : {bytes, extension: 'ttf', mediaType: 'font/ttf'}
}

/** A file name for a theme's face: its family, weight and style, as letters a URL and a zip entry keep. */
export function themeFontName(file: ThemeFontFile, extension: string): string {
  const family = file.family.toLowerCase().replace(/[^a-z\d]+/g, '-').replace(/^-|-$/g, '') || 'theme'
  return `${family}-${file.weight}-${file.style}.${extension}`
}

/** @font-face rules for every face of a theme's stacks, served from the site. */
export function printFontFaces(theme: Theme): string {
  return fontFaceRules(allFontFiles(theme), (file) =>
    file.kind === 'shipped'
      ? {url: `${fontsPath}${path.basename(file.file)}`, format: 'woff2'}
      : {url: `${fontsPath}theme/${themeFontName(file, 'ttf')}`, format: 'truetype'}
  )
}

/** The site's fonts: `/fonts/<shipped file>` and `/fonts/theme/<face>.ttf`. */
export function fontSite(theme: Theme): (pathname: string) => Resource | undefined {
  let files: Map<string, Resource> | undefined
  return (pathname) => {
    if (!pathname.startsWith(fontsPath)) return undefined
    files ??= new Map(
      allFontFiles(theme).map((file) =>
        file.kind === 'shipped'
          ? [path.basename(file.file), {contentType: 'font/woff2', body: shippedFontBytes(file.file)}]
          : [`theme/${themeFontName(file, 'ttf')}`, {contentType: 'font/ttf', body: file.font.printable}]
      )
    )
    return files.get(pathname.slice(fontsPath.length))
  }
}
