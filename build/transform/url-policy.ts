/**
 * The URL policy (issue 2, item 4). Images come only from inside the work's
 * folder: anything else (an absolute path, a `../` escape, a symbolic link
 * that leads out, a `file:` or remote URL) is left out, its alt text stands
 * in its place, and a warning points at it. Links to `javascript:`,
 * `vbscript:`, `data:` and `file:` lose their target and keep their text.
 * Nothing is fetched and nothing outside the folder is read.
 */
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileTypeFromBuffer} from 'file-type'
import type {Element, ElementContent, Root} from 'hast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import type {Asset} from '../document/document.ts'
import {warn} from '../read/messages.ts'
import {isInside, resolveInsideWork} from '../read/work-folder.ts'

declare module 'vfile' {
  interface DataMap {
    /** Images this chapter embeds, read from inside the work's folder. */
    assets: Asset[]
  }
}

export interface UrlPolicyOptions {
  /** Real path of the work's folder. */
  root: string
}

/** Link schemes kept as links. */
const linkSchemes = new Set(['http', 'https', 'mailto', 'tel', 'ftp', 'sms'])
/** Image types every edition can carry. */
const imageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/svg+xml'])

/** A rehype plugin: apply the URL policy to one chapter. */
export default function rehypeUrlPolicy(options: UrlPolicyOptions) {
  return async (tree: Root, file: VFile): Promise<void> => {
    const fromDir = path.dirname(file.path)
    const assets = new Map<string, Asset>()
    const images: Array<{node: Element; parent: Element | Root}> = []

    visit(tree, 'element', (node, index, parent) => {
      if (!parent || index === undefined) return
      if (node.tagName === 'img') images.push({node, parent})
      else if (node.tagName === 'a' && typeof node.properties.href === 'string') {
        const keep = checkLink(node, file, options.root, fromDir)
        if (!keep) {
          parent.children.splice(index, 1, ...node.children)
          return index
        }
      }
      return undefined
    })

    for (const {node, parent} of images) {
      const asset = await checkImage(node, file, options.root, fromDir)
      if (asset) {
        assets.set(asset.path, asset)
        node.properties.src = asset.path
        if (typeof node.properties.alt !== 'string') {
          warn(file, 'Image without alt text: describe it for readers who cannot see it (alt="" marks it as decorative)', node, 'image-alt')
          node.properties.alt = ''
        }
      } else {
        const alt = typeof node.properties.alt === 'string' ? node.properties.alt : ''
        const replacement: ElementContent[] = alt ? [{type: 'text', value: alt}] : []
        parent.children.splice(parent.children.indexOf(node), 1, ...replacement)
      }
    }
    file.data.assets = [...assets.values()]
  }
}

/** Browsers drop tabs and line feeds inside URLs, so `java\tscript:` is `javascript:`. */
function normaliseUrl(url: string): string {
  return url.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '')
}

function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z\d+.-]*):/i.exec(url)?.[1]?.toLowerCase()
}

function checkLink(node: Element, file: VFile, root: string, fromDir: string): boolean {
  const href = normaliseUrl(String(node.properties.href))
  const scheme = schemeOf(href)
  if (scheme !== undefined) {
    if (linkSchemes.has(scheme)) return true
    warn(file, `Link to a \`${scheme}:\` URL refused; its text is kept`, node, 'url-policy-link')
    return false
  }
  if (href.startsWith('//')) {
    node.properties.href = `https:${href}`
    return true
  }
  const target = decodePath(href.split(/[?#]/)[0]!)
  if (target === undefined) {
    warn(file, `Link \`${href}\` is not a valid URL; its text is kept`, node, 'url-policy-link')
    return false
  }
  if (target !== '' && (target.startsWith('/') || !isInside(root, path.resolve(fromDir, target)))) {
    warn(file, `Link \`${href}\` leads outside the work's folder and will not work in the editions`, node, 'url-policy-link')
  }
  return true
}

async function checkImage(node: Element, file: VFile, root: string, fromDir: string): Promise<Asset | undefined> {
  const src = normaliseUrl(typeof node.properties.src === 'string' ? node.properties.src : '')
  const refuse = (reason: string): undefined => {
    warn(file, `${reason}; its alt text stands in its place`, node, 'url-policy-image')
    return undefined
  }
  if (src === '') return refuse('Image without a source')
  const scheme = schemeOf(src)
  if (scheme === 'http' || scheme === 'https' || src.startsWith('//')) {
    return refuse(`Remote image not fetched: ${src} (save it in the work's folder)`)
  }
  if (scheme !== undefined) return refuse(`Image \`${truncate(src)}\` refused: only files inside the work's folder are used`)
  const reference = decodePath(src.split(/[?#]/)[0]!)
  if (reference === undefined) return refuse(`Image \`${src}\` is not a valid path`)

  const found = await resolveInsideWork(root, fromDir, reference)
  if (!found.ok) {
    if (found.reason === 'outside') return refuse(`Image \`${src}\` refused: it is outside the work's folder`)
    if (found.reason === 'missing') return refuse(`Image not found: ${src}`)
    return refuse(`Image \`${src}\` is not a file`)
  }
  const bytes = new Uint8Array(await readFile(found.absolute))
  const mediaType = await sniff(bytes, found.absolute)
  if (!mediaType) return refuse(`Image \`${src}\` is not a PNG, JPEG, GIF, WebP, AVIF or SVG image`)
  return {path: found.relative, mediaType, bytes}
}

/** The media type from the bytes, never from the name alone. */
async function sniff(bytes: Uint8Array, file: string): Promise<string | undefined> {
  const type = await fileTypeFromBuffer(bytes)
  if (type) return imageTypes.has(type.mime) ? type.mime : undefined
  if (path.extname(file).toLowerCase() === '.svg') {
    const head = new TextDecoder().decode(bytes.subarray(0, 4096))
    if (/<svg[\s>]/.test(head)) return 'image/svg+xml'
  }
  return undefined
}

function decodePath(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

function truncate(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value
}
