/**
 * Chromium never loads a page from `file://`: a manuscript's iframe could
 * then print /etc/hostname into the PDF (docs/decisions/0008). Pages are
 * served from a virtual origin through request interception, which answers
 * only what the job's site holds (the page, the work's assets, the shipped
 * fonts and templates) and aborts every other request, so nothing else is
 * read and nothing is fetched.
 */
import {createHash} from 'node:crypto'
import type {CDPSession, HTTPRequest} from 'puppeteer'

/** The origin pages are served from; `.invalid` can never resolve (RFC 2606). */
export const origin = 'https://folio.invalid'

export interface Resource {
  contentType: string
  body: Uint8Array | string
}

/** What one job may load: a path (such as `/index.html`) to a resource, or undefined. */
export type Site = (pathname: string) => Resource | undefined

/**
 * Answer a request from the site, or abort it.
 *
 * @param refused Collects the URLs of aborted requests.
 */
export async function answer(request: HTTPRequest, site: Site, refused?: string[]): Promise<void> {
  if (request.isInterceptResolutionHandled()) return
  const url = new URL(request.url())
  if (url.origin !== origin || request.method() !== 'GET') {
    refused?.push(request.url())
    await request.abort('blockedbyclient')
    return
  }
  let pathname: string
  try {
    pathname = decodeURIComponent(url.pathname)
  } catch {
    refused?.push(request.url())
    await request.abort('blockedbyclient')
    return
  }
  const resource = site(pathname)
  if (!resource) await fulfil(request, 404, {contentType: 'text/plain', body: 'Not found'})
  else await fulfil(request, 200, resource)
}

/**
 * Answer with `Fetch.fulfillRequest` on the DevTools session the request
 * came through, as `HTTPRequest.respond` does, but with the body made
 * base64 by Node's Buffer: Puppeteer 24 makes it in JavaScript
 * (`typedArrayToBase64`, 50 ms a megabyte here, on the one Node thread, the
 * page waiting), where Buffer takes under a millisecond. A page of the 50x
 * work and its faces took 35 ms; a book's photographs, a second for every
 * 20 MB. `client` and `_interceptionId` are Puppeteer's own (see
 * puppeteer-core/lib/esm/puppeteer/cdp/HTTPRequest.js, `_respond`): where a
 * version has them not, the request is answered by `respond`.
 */
export async function fulfil(request: HTTPRequest, status: number, resource: Resource): Promise<void> {
  const own = request as unknown as {client?: Partial<CDPSession>; _interceptionId?: unknown}
  const body = typeof resource.body === 'string' ? Buffer.from(resource.body) : Buffer.from(resource.body.buffer, resource.body.byteOffset, resource.body.byteLength)
  if (typeof own.client?.send !== 'function' || typeof own._interceptionId !== 'string') {
    await request.respond({status, contentType: resource.contentType, body})
    return
  }
  await own.client.send('Fetch.fulfillRequest', {
    requestId: own._interceptionId,
    responseCode: status,
    responsePhrase: status === 200 ? 'OK' : 'Not Found',
    responseHeaders: [
      {name: 'content-type', value: resource.contentType},
      {name: 'content-length', value: String(body.byteLength)}
    ],
    body: body.toString('base64')
  })
}

/** Digests of bodies served, by the body: a body served again (a font, an image kept between builds) is digested once. */
const bodyDigests = new WeakMap<Uint8Array, string>()

function bodyDigest(body: Uint8Array | string): string {
  if (typeof body === 'string') return createHash('sha256').update(body).digest('hex')
  let digest = bodyDigests.get(body)
  if (digest === undefined) bodyDigests.set(body, (digest = createHash('sha256').update(body).digest('hex')))
  return digest
}

/**
 * A site that notes what it serves: `served` gives each path answered (but
 * those in `except`) with a digest of its body, sorted. For what a print
 * depends on beyond its page's DOM.
 */
export function noting(site: Site): {site: Site; served: (except: string[]) => string} {
  const answered = new Map<string, Uint8Array | string>()
  return {
    site: (pathname) => {
      const resource = site(pathname)
      if (resource) answered.set(pathname, resource.body)
      return resource
    },
    served: (except) =>
      [...answered]
        .filter(([pathname]) => !except.includes(pathname))
        .map(([pathname, body]) => `${pathname} ${bodyDigest(body)}`)
        .sort()
        .join('\n')
  }
}
