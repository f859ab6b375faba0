/**
 * The work's cover: the image the manuscript names (front matter `cover`),
 * or one made from templates/epub/cover.html (series, title, subtitle,
 * authors, publisher, logo) and rendered by the shared Chromium to a
 * 1600 × 2560 JPEG. The EPUB's cover, the PDF's first page (drawn to the
 * page's proportions) and the HTML page's Open Graph image.
 */
import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {toHtml} from 'hast-util-to-html'
import type {Text} from 'hast'
import type {BrowserService} from '../../browser/browser-service.ts'
import type {Document} from '../../document/document.ts'
import {cacheFolder} from '../../project.ts'
import {keepInCache} from '../../write-whole.ts'
import {fontSite, printFontFaces} from '../fonts.ts'
import {logoAlt} from '../imprint.ts'
import {coverStyles} from '../theme-styles.ts'
import {fillTemplate, loadTemplate} from '../template.ts'
import {h} from 'hastscript'

export interface CoverImage {
  mediaType: 'image/jpeg' | 'image/png'
  bytes: Uint8Array
}

export const coverSize = {width: 1600, height: 2560}

/**
 * Covers already drawn, by a hash of their page and of the browser: kept in
 * this process and in node_modules/.cache/folio/covers, so that a rebuild
 * with the same title does not start a browser to draw the same picture.
 */
const drawn = new Map<string, Uint8Array>()
const coverCache = cacheFolder('covers')

/**
 * @param size The drawn cover's size in pixels: the EPUB's unless another
 *   is asked for (the PDF's page proportions); the width stays 1600 px, the type's scale.
 */
export async function coverImage(document: Document, browser: BrowserService, size: {width: number; height: number} = coverSize): Promise<CoverImage> {
  if (document.cover) {
    const image = document.cover.reduced ?? document.cover
    return {mediaType: image.mediaType as CoverImage['mediaType'], bytes: image.bytes}
  }
  const html = toHtml(coverPage(document, size))
  const fonts = fontSite(document.theme)
  const key = createHash('sha256').update(html).update(await browser.identity()).digest('hex')
  const file = path.join(coverCache, `${key}.jpg`)
  const known = drawn.get(key) ?? (await readFile(file).then((bytes) => new Uint8Array(bytes)).catch(() => undefined))
  // A cached picture cut short (a disk that filled up under an older version) is drawn again.
  if (known && wholeJpeg(known)) {
    drawn.set(key, known)
    return {mediaType: 'image/jpeg', bytes: known}
  }
  const bytes = await browser.run(
    {
      description: `drawing the EPUB cover of ${document.slug}`,
      site: (pathname) => (pathname === '/index.html' ? {contentType: 'text/html; charset=utf-8', body: html} : fonts(pathname))
    },
    async (page) => {
      const viewport = page.viewport()
      await page.setViewport({...size, deviceScaleFactor: 1})
      const image = await page.screenshot({type: 'jpeg', quality: 90, clip: {x: 0, y: 0, ...size}})
      if (viewport) await page.setViewport(viewport)
      return image
    }
  )
  const image = new Uint8Array(bytes)
  drawn.set(key, image)
  await keepInCache(file, image, 'the cache of drawn covers')
  return {mediaType: 'image/jpeg', bytes: image}
}

/** The cover's file extension, before it is drawn: the manuscript's image's, else the drawn JPEG's. */
export function coverExtension(document: Document): 'jpg' | 'png' {
  const image = document.cover ? (document.cover.reduced ?? document.cover) : undefined
  return image?.mediaType === 'image/png' ? 'png' : 'jpg'
}

/** A JPEG from its start-of-image to its end-of-image marker. */
function wholeJpeg(bytes: Uint8Array): boolean {
  const end = bytes.byteLength
  return end > 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9
}

/** The drawn cover's page, before it is rendered. */
export function coverPage(document: Document, size: {width: number; height: number} = coverSize) {
  const {metadata, theme} = document
  // Another size than the EPUB's: the same layout, stretched or shortened (the publisher stays at the foot).
  const resized = size.width === coverSize.width && size.height === coverSize.height ? [] : [`html, body, .cover { width: ${size.width}px; height: ${size.height}px; }`]
  const styles: Text = {type: 'text', value: [printFontFaces(theme), coverStyles(theme), ...resized].join('\n')}
  // The cover is the house colour: the logo made for dark backgrounds, when the theme has one.
  const image = theme.logo ? (theme.logo.dark ?? theme.logo.light) : undefined
  // Long titles get smaller type, so that any title fits the cover; a short one is legible in a 150 px thumbnail.
  const length = metadata.title.length
  const typeSize = length <= 24 ? 230 : length <= 48 ? 180 : length <= 90 ? 130 : 96
  return fillTemplate(
    loadTemplate('epub/cover.html', theme),
    {
      lang: metadata.lang,
      dir: metadata.dir,
      series: metadata.series,
      title: metadata.title,
      titleSize: `font-size: ${typeSize}px`,
      subtitle: metadata.subtitle,
      authors: metadata.authors.join(', ') || undefined,
      publisher: metadata.publisher,
      logo: image ? [h('img', {className: ['logo'], src: `data:${image.mediaType};base64,${Buffer.from(image.bytes).toString('base64')}`, alt: logoAlt(theme.logo!, metadata)})] : undefined,
      styles: [styles]
    },
    'epub/cover.html'
  )
}
