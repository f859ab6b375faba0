/**
 * A theme's font file made ready for every edition: decompressed (WOFF,
 * WOFF2), instanced at its weight when it is a variable font, and given
 * TrueType outlines for the PDF when it has PostScript (CFF) ones. Chromium
 * writes both variable and CFF fonts into a PDF as Type 3 fonts, which print
 * shops reject (measured: docs/decisions/0010-themes.md). HarfBuzz (through
 * harfbuzzjs and subset-font) reads and instances; fonteditor-core turns
 * CFF outlines into TrueType ones.
 */
import {createHash} from 'node:crypto'
import type {Face} from 'harfbuzzjs'
import type {FontFace} from '../document/theme.ts'

export type FontResult = {ok: true; face: FontFace} | {ok: false; reason: string}

const prepared = new Map<string, Promise<FontResult>>()

/**
 * @param bytes The file's content.
 * @param path Its path in the theme's folder, for messages.
 * @param weight The weight it is for (a variable font is instanced there).
 * @param style Upright or italic.
 */
export function prepareFont(bytes: Uint8Array, path: string, weight: 400 | 700, style: 'normal' | 'italic'): Promise<FontResult> {
  const key = createHash('sha256').update(bytes).update(`${weight}:${style}`).digest('hex')
  let result = prepared.get(key)
  if (!result) {
    result = prepare(bytes, weight, style).then((face) => (typeof face === 'string' ? {ok: false as const, reason: `\`${path}\` ${face}`} : {ok: true as const, face: {...face, path}}))
    prepared.set(key, result)
  }
  return result.then((found) => (found.ok ? {ok: true, face: {...found.face, path}} : found))
}

async function prepare(bytes: Uint8Array, weight: 400 | 700, style: 'normal' | 'italic'): Promise<Omit<FontFace, 'path'> | string> {
  const signature = new TextDecoder('latin1').decode(bytes.subarray(0, 4))
  if (signature === 'ttcf') return 'is a font collection: give one face of it as a .ttf, .otf or .woff2 file'
  if (!['wOF2', 'wOFF', 'OTTO', 'true', '\u0000\u0001\u0000\u0000'].includes(signature)) return 'is not a font file (WOFF2, WOFF, TTF or OTF)'
  let sfnt: Uint8Array
  try {
    const {convert} = await import('fontverter')
    sfnt = signature === 'wOF2' || signature === 'wOFF' ? new Uint8Array(await convert(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'sfnt')) : bytes
  } catch {
    return 'cannot be read: the file is damaged'
  }
  let face = await faceOf(sfnt)
  if (!face) return 'cannot be read: the file is damaged'
  const axes = Object.values(face.getAxisInfos())
  if (axes.length > 0) {
    // A static instance at the weight (and slant) the face is for; every other axis at its default.
    const variationAxes = Object.fromEntries(
      axes.map((axis) => {
        const wanted = axis.tag === 'wght' ? weight : axis.tag === 'ital' ? (style === 'italic' ? 1 : 0) : axis.default
        return [axis.tag, Math.min(axis.max, Math.max(axis.min, wanted))]
      })
    )
    const {default: subsetFont} = await import('subset-font')
    sfnt = new Uint8Array(await subsetFont(Buffer.from(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength), null, {keepAllGlyphs: true, variationAxes, targetFormat: 'sfnt'}))
    face = await faceOf(sfnt)
    if (!face) return 'cannot be instanced at its weight'
  }
  const coverage = new Set(face.collectUnicodes())
  if (coverage.size === 0) return 'has no characters (no cmap table)'
  let printable = sfnt
  if (face.referenceTable('CFF2')) return 'has CFF2 outlines, which no edition can carry: use the TTF or static OTF version of the font'
  if (face.referenceTable('CFF ')) {
    try {
      const {Font} = await import('fonteditor-core')
      // The outlines become TrueType (quadratic) curves; the kerning tables travel along.
      const converted = Font.create(Buffer.from(sfnt), {type: 'otf', kerning: true}).write({type: 'ttf', kerning: true, toBuffer: true})
      printable = new Uint8Array(converted)
    } catch {
      return 'has PostScript (CFF) outlines that could not be turned into TrueType ones for the PDF: use the TTF version of the font'
    }
  }
  return {weight, style, sfnt, printable, coverage}
}

/** HarfBuzz's view of the font; HarfBuzz is loaded only when a theme has font files. */
async function faceOf(sfnt: Uint8Array): Promise<Face | undefined> {
  const {Blob, Face} = await import('harfbuzzjs')
  try {
    return new Face(new Blob(sfnt))
  } catch {
    return undefined
  }
}
