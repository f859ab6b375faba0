/**
 * EPUB 3 reading systems must show only the core media types; an image of
 * another type needs a fallback (EPUBCheck MED-003). WebP (a core type only
 * since EPUB 3.3, unknown to many readers) and AVIF are converted for the
 * EPUB: to PNG when the picture has transparency, else to JPEG. The HTML
 * and PDF editions keep the original.
 *
 * https://www.w3.org/TR/epub-33/#sec-core-media-types
 */
export const coreImageTypes = new Set(['image/gif', 'image/jpeg', 'image/png', 'image/svg+xml'])

export interface EpubImage {
  mediaType: string
  bytes: Uint8Array
}

/** The image as a core media type: itself, or a PNG or JPEG made from it (its first frame, if animated). */
export async function asCoreImage(image: EpubImage): Promise<EpubImage> {
  if (coreImageTypes.has(image.mediaType)) return image
  const {default: sharp} = await import('sharp')
  const picture = sharp(image.bytes, {limitInputPixels: false})
  const {hasAlpha} = await picture.metadata()
  if (hasAlpha) return {mediaType: 'image/png', bytes: new Uint8Array(await picture.png({compressionLevel: 9}).toBuffer())}
  return {mediaType: 'image/jpeg', bytes: new Uint8Array(await picture.jpeg({quality: 90, mozjpeg: true}).toBuffer())}
}
