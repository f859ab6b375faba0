/**
 * The URL policy (docs/manuscript.md, "The URL policy"). Images come only from inside the work's
 * folder: anything else (an absolute path, a `../` escape, a symbolic link
 * that leads out, a `file:` or remote URL) is left out, its alt text stands
 * in its place, and a warning points at it. Links to `javascript:`,
 * `vbscript:`, `data:` and `file:` lose their target and keep their text.
 * Nothing is fetched and nothing outside the folder is read.
 */
import path from 'node:path'
import type {Element, ElementContent, Root} from 'hast'
import {visit} from 'unist-util-visit'
import type {VFile} from 'vfile'
import type {Asset} from '../document/document.ts'
import {warn} from '../messages.ts'
import {readImage} from '../read/image.ts'
import {isInside} from '../read/work-folder.ts'

declare module 'vfile' {
  interface DataMap {
    /** Images this chapter embeds, read from inside the work's folder. */
    assets: Asset[]
    /** Images of this chapter without alt text. */
    imagesWithoutAlt: number
  }
}

export interface UrlPolicyOptions {
  /** Real path of the work's folder. */
  root: string
}

/** Link schemes kept as links. */
const linkSchemes = new Set(['http', 'https', 'mailto', 'tel', 'ftp', 'sms'])

/** A rehype plugin: apply the URL policy to one chapter. */
export default function rehypeUrlPolicy(options: UrlPolicyOptions) {
  return async (tree: Root, file: VFile): Promise<void> => {
    const fromDir = path.dirname(file.path)
    const assets = new Map<string, Asset>()
    const images: Array<{node: Element; parent: Element | Root}> = []
    let withoutAlt = 0

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
        if (asset.width && asset.height && node.properties.width === undefined && node.properties.height === undefined) {
          node.properties.width = asset.width
          node.properties.height = asset.height
        }
        if (typeof node.properties.alt !== 'string') {
          warn(file, 'Image without alt text: describe it for readers who cannot see it (in HTML, alt="" marks an image as decorative)', node, 'image-alt')
          node.properties.alt = ''
          withoutAlt++
        }
      } else {
        const alt = typeof node.properties.alt === 'string' ? node.properties.alt : ''
        const replacement: ElementContent[] = alt ? [{type: 'text', value: alt}] : []
        parent.children.splice(parent.children.indexOf(node), 1, ...replacement)
      }
    }
    file.data.assets = [...assets.values()]
    file.data.imagesWithoutAlt = withoutAlt
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
    if (linkSchemes.has(scheme)) {
      // Schemes are case-insensitive (RFC 3986 §3.1); the sanitiser's list, and some readers, know them in lower case.
      node.properties.href = scheme + href.slice(scheme.length)
      return true
    }
    warn(file, `Link to a \`${scheme}:\` URL refused; its text is kept`, node, 'url-policy-link')
    return false
  }
  if (href.startsWith('//')) {
    node.properties.href = `https:${href}`
    return true
  }
  let target: string
  try {
    target = decodeURIComponent(href.split(/[?#]/)[0]!)
  } catch {
    warn(file, `Link \`${href}\` is not a valid URL; its text is kept`, node, 'url-policy-link')
    return false
  }
  if (target !== '' && (target.startsWith('/') || !isInside(root, path.resolve(fromDir, target)))) {
    warn(file, `Link \`${href}\` leads outside the work's folder, where no edition can follow it; its text is kept`, node, 'url-policy-link')
    return false
  }
  return true
}

async function checkImage(node: Element, file: VFile, root: string, fromDir: string): Promise<Asset | undefined> {
  const src = normaliseUrl(typeof node.properties.src === 'string' ? node.properties.src : '')
  if (src === '') {
    warn(file, 'Image without a source; its alt text stands in its place', node, 'url-policy-image')
    return undefined
  }
  const result = await readImage(root, fromDir, src)
  if (!result.ok) {
    warn(file, `${result.reason}; its alt text stands in its place`, node, 'url-policy-image')
    return undefined
  }
  for (const note of result.notes) warn(file, note.reason, node, note.ruleId)
  return result.asset
}
