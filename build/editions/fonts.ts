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
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import type {Resource} from '../browser/virtual-origin.ts'
import type {Theme} from '../document/theme.ts'
import {cacheFolder, requireFromProject} from '../project.ts'
import {keepInCache} from '../write-whole.ts'
import {allFontFiles, fontFaceRules, type FontFile, type ThemeFontFile} from './typefaces.ts'

export const fontsPath = '/fonts/'

const bytesByPath = new Map<string, Uint8Array>()
/** Subsets made in this process, by the file they are kept in. */
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

/**
 * Subsets already made, kept in node_modules/.cache/folio/fonts beside the
 * bundle: HarfBuzz takes about half a second to subset a book's faces, the
 * larger part of a cold EPUB build, and a rebuild mostly sets the same
 * characters. The key is the font, the characters, the output format and
 * the versions of subset-font and HarfBuzz, so a cached file is the one
 * they would make now (the editions stay reproducible).
 */
const subsetCache = cacheFolder('fonts')

let subsetterVersions: string | undefined
function subsetter(): string {
  if (subsetterVersions === undefined) {
    const version = (file: string) => {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as {version?: string}).version ?? ''
      } catch {
        return ''
      }
    }
    const harfbuzz = path.join(path.dirname(requireFromProject.resolve('harfbuzzjs')), '..', 'package.json')
    subsetterVersions = `subset-font ${version(requireFromProject.resolve('subset-font/package.json'))}, harfbuzzjs ${version(harfbuzz)}`
  }
  return subsetterVersions
}

/**
 * A subset of `source` to `text` in `format`, from this process (`made`), the cache, or HarfBuzz.
 *
 */
export function subsetOf(source: Uint8Array, text: string, format: 'woff2' | 'truetype', made = subsets): Promise<Uint8Array> {
  const file = keptSubsetFile(source, text, format)
  let subset = made.get(file)
  if (!subset) {
    subset = readFile(file)
      .then((bytes) => new Uint8Array(bytes))
      .catch(() => undefined)
      .then(async (known) => {
        // A cached file cut short (a disk that filled up) is made again.
        if (known && wholeFont(known)) return known
        const {default: subsetFont} = await import('subset-font')
        const bytes = new Uint8Array(await subsetFont(Buffer.from(source.buffer, source.byteOffset, source.byteLength), text, {targetFormat: format}))
        await keepInCache(file, bytes, 'the cache of font subsets')
        return bytes
      })
    made.set(file, subset)
  }
  return subset
}

/** Where the subset of `source` to `text` in `format` is kept: named by the font, the characters, the format and the subsetter's versions. */
export function keptSubsetFile(source: Uint8Array, text: string, format: 'woff2' | 'truetype'): string {
  const key = createHash('sha256').update(source).update(text).update(`\0${format}\0${subsetter()}`).digest('hex')
  return path.join(subsetCache, `${key}.${format === 'woff2' ? 'woff2' : 'sfnt'}`)
}

/**
 * Whether a font file holds every table its directory names: an sfnt
 * (TrueType, OpenType) read from its table records, a WOFF2 by its header's
 * length (https://learn.microsoft.com/typography/opentype/spec/otff,
 * https://www.w3.org/TR/WOFF2/#woff20Header).
 */
export function wholeFont(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 12) return false
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0) === 0x774f4632) return bytes.byteLength >= 48 && view.getUint32(8) === bytes.byteLength
  const tables = view.getUint16(4)
  if (tables === 0 || bytes.byteLength < 12 + 16 * tables) return false
  for (let table = 0; table < tables; table++) {
    const record = 12 + 16 * table
    if (view.getUint32(record + 8) + view.getUint32(record + 12) > bytes.byteLength) return false
  }
  return true
}

/** A font file to embed, as WOFF2: a shipped file as it is, a theme's face subset to the characters it sets. */
export async function embeddedFontBytes(file: FontFile): Promise<Uint8Array> {
  if (file.kind === 'shipped') return shippedFontBytes(file.file)
  const text = String.fromCodePoint(...[...file.points].sort((a, b) => a - b))
  return subsetOf(file.font.sfnt, text, 'woff2')
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
  const bytes = await subsetOf(source, text, 'truetype')
  const postScript = bytes[0] === 0x4f && bytes[1] === 0x54 && bytes[2] === 0x54 && bytes[3] === 0x4f
  return postScript ? {bytes, extension: 'otf', mediaType: 'font/otf'} : {bytes, extension: 'ttf', mediaType: 'font/ttf'}
}

/** A file name for a theme's face: its family, weight and style, as letters a URL and a zip entry keep. */
export function themeFontName(file: ThemeFontFile, extension: string): string {
  const family = file.family.toLowerCase().replace(/[^a-z\d]+/g, '-').replace(/^-|-$/g, '') || 'theme'
  return `${family}-${file.weight}-${file.style}.${extension}`
}

/** Where the print page's site serves a face. */
export function printFontSource(file: FontFile): {url: string; format: 'woff2' | 'truetype'} {
  return file.kind === 'shipped' ? {url: `${fontsPath}${path.basename(file.file)}`, format: 'woff2'} : {url: `${fontsPath}theme/${themeFontName(file, 'ttf')}`, format: 'truetype'}
}

/** @font-face rules for every face of a theme's stacks, served from the site. */
export function printFontFaces(theme: Theme): string {
  return fontFaceRules(allFontFiles(theme), printFontSource)
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
