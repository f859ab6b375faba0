/**
 * Reads an image a manuscript refers to, by the URL policy's rules: only a
 * file inside the work's folder, its type sniffed from the bytes, never from
 * the name. An image over 4 megapixels or 5 MB also gets a reduced copy for
 * the screen and e-reader editions (the PDF keeps the original).
 */
import path from 'node:path'
import {fileTypeFromBuffer} from 'file-type'
import type {Asset} from '../document/document.ts'
import {cleanSvg} from './svg.ts'
import {readInsideWork, readLimits} from './work-folder.ts'

/** Image types every edition can carry. */
const imageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/svg+xml'])

/** Above either, an image is reduced for screens and e-readers, whose memory and pages are small. */
export const reduceAbove = {pixels: 4_000_000, bytes: 5_000_000}

/**
 * Above this an image is refused: decoding it would take gigabytes (4 bytes a
 * pixel), in Folio and again in Chromium for the PDF. It is sharp's own
 * default limit (libvips' 0x3FFF × 0x3FFF).
 */
export const largestImage = {pixels: 16_383 * 16_383, side: 16_383}

/** Something the author should know about an image that is used all the same. */
export interface ImageNote {
  reason: string
  ruleId: 'image-size' | 'image-svg'
}

export type ImageResult =
  | {ok: true; asset: Asset; notes: ImageNote[]}
  | {ok: false; reason: string}

/**
 * @param root Real path of the work's folder.
 * @param fromDir Folder of the file that refers to the image.
 * @param src The reference as written (URL-encoded, maybe with a query or fragment).
 */
export async function readImage(root: string, fromDir: string, src: string): Promise<ImageResult> {
  const scheme = /^([a-z][a-z\d+.-]*):/i.exec(src)?.[1]?.toLowerCase()
  if (scheme === 'http' || scheme === 'https' || src.startsWith('//')) {
    return {ok: false, reason: `Remote image not fetched: ${src} (save it in the work's folder)`}
  }
  if (scheme !== undefined) {
    return {ok: false, reason: `Image \`${truncate(src)}\` refused: only files inside the work's folder are used`}
  }
  let reference: string
  try {
    reference = decodeURIComponent(src.split(/[?#]/)[0]!)
  } catch {
    return {ok: false, reason: `Image \`${src}\` is not a valid path`}
  }
  const found = await readInsideWork(root, fromDir, reference, readLimits.image)
  if (!found.ok) {
    if (found.reason === 'outside') return {ok: false, reason: `Image \`${src}\` refused: it is outside the work's folder`}
    if (found.reason === 'missing') return {ok: false, reason: `Image not found: ${src}`}
    if (found.reason === 'not-a-file') return {ok: false, reason: `Image \`${src}\` is ${found.detail ?? 'not a regular file'}, not a file`}
    if (found.reason === 'too-large') return {ok: false, reason: `Image \`${src}\` is too large: ${found.detail}`}
    return {ok: false, reason: `Image \`${src}\` cannot be read: ${found.detail}`}
  }
  return imageFromBytes(found.bytes, found.relative, src)
}

/**
 * An image file's bytes as an asset: its type sniffed, an SVG cleaned, a
 * raster image measured (and reduced when too large).
 *
 * @param bytes The file's content.
 * @param relative Its path inside its folder (the asset's key).
 * @param src The reference as written, for messages.
 */
export async function imageFromBytes(bytes: Uint8Array, relative: string, src: string): Promise<ImageResult> {
  if (bytes.byteLength === 0) return {ok: false, reason: `Image \`${src}\` is an empty file`}
  const mediaType = await sniff(bytes, relative)
  if (!mediaType) return {ok: false, reason: `Image \`${src}\` is not a PNG, JPEG, GIF, WebP, AVIF or SVG image`}
  if (mediaType === 'image/svg+xml') {
    const svg = cleanSvg(bytes)
    if (!svg.ok) return {ok: false, reason: `Image \`${src}\` is not a well-formed SVG file`}
    const notes: ImageNote[] = svg.removed.length > 0 ? [{reason: `Image \`${src}\`: removed ${svg.removed.join(', ')}`, ruleId: 'image-svg'}] : []
    return {ok: true, asset: {path: relative, mediaType, bytes: svg.bytes}, notes}
  }
  return measure({path: relative, mediaType, bytes}, src)
}

/** Dimensions, and a reduced copy when the image is too large for a screen or an e-reader. */
async function measure(asset: Asset, src: string): Promise<ImageResult> {
  const {default: sharp} = await import('sharp')
  let metadata: {width?: number | undefined; height?: number | undefined}
  try {
    // Only the header is read: the size is known before anything is decoded.
    metadata = await sharp(asset.bytes, {limitInputPixels: false}).metadata()
  } catch {
    return {ok: false, reason: `Image \`${src}\` cannot be read: the file is damaged`}
  }
  const width = metadata.width ?? 0
  const height = metadata.height ?? 0
  if (width * height > largestImage.pixels) {
    const count = (value: number) => value.toLocaleString('en')
    return {
      ok: false,
      reason: `Image \`${src}\` is too large: it is ${count(width)} × ${count(height)} pixels (${Math.round((width * height) / 1e6)} megapixels), and Folio reads at most ${Math.floor(largestImage.pixels / 1e6)} megapixels (${count(largestImage.side)} × ${count(largestImage.side)})`
    }
  }
  Object.assign(asset, {width, height})
  const tooMany = width * height > reduceAbove.pixels
  const tooHeavy = asset.bytes.byteLength > reduceAbove.bytes
  // An animated GIF would lose its frames; it is kept as it is.
  if ((!tooMany && !tooHeavy) || asset.mediaType === 'image/gif') return {ok: true, asset, notes: []}
  const scale = tooMany ? Math.sqrt(reduceAbove.pixels / (width * height)) : 1
  const target = {width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale))}
  const resized = sharp(asset.bytes, {limitInputPixels: false}).resize(target.width, target.height)
  const encoded =
    asset.mediaType === 'image/png' ? resized.png({compressionLevel: 9, palette: !tooMany}) :
    asset.mediaType === 'image/webp' ? resized.webp({quality: 82}) :
    asset.mediaType === 'image/avif' ? resized.avif({quality: 60}) :
    resized.jpeg({quality: 82, mozjpeg: true})
  const bytes = new Uint8Array(await encoded.toBuffer())
  asset.reduced = {mediaType: asset.mediaType, bytes, ...target}
  const megabytes = (asset.bytes.byteLength / 1_000_000).toFixed(1)
  return {
    ok: true,
    asset,
    notes: [{ruleId: 'image-size', reason: `Image \`${src}\` is large (${width} × ${height}, ${megabytes} MB): the HTML and EPUB editions carry a ${target.width} × ${target.height} copy; the PDF keeps the original`}]
  }
}

async function sniff(bytes: Uint8Array, file: string): Promise<string | undefined> {
  const type = await fileTypeFromBuffer(bytes)
  if (type) return imageTypes.has(type.mime) ? type.mime : undefined
  if (path.extname(file).toLowerCase() === '.svg') {
    const head = new TextDecoder().decode(bytes.subarray(0, 4096))
    if (/<svg[\s>]/.test(head)) return 'image/svg+xml'
  }
  return undefined
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value
}
