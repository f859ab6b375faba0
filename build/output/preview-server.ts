/**
 * The live preview of `folio watch`: a server on the loopback interface only
 * that serves each work's HTML edition (with a small script that reloads the
 * page after each rebuild, through server-sent events), its PDF inline for
 * the browser's viewer and its EPUB as a download. When the last build of a
 * work failed, its messages are shown in the page.
 *
 * Only a browser on this machine that asked for this server by a loopback
 * name is answered: the `Host` must be 127.0.0.1, localhost or [::1] with
 * this port (a web page whose name was rebound to 127.0.0.1 sends its own),
 * an `Origin`, when sent, must be this server, and only GET and HEAD are
 * answered. No answer shows a path on this machine.
 */
import {readFile} from 'node:fs/promises'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import path from 'node:path'
import {editionOfFile, editions} from '../editions/index.ts'
import {previewIndex, type PreviewWork} from './preview-index.ts'

export type {PreviewEdition, PreviewWork} from './preview-index.ts'

/** Where the preview listens unless `--port` says otherwise. */
export const defaultPort = 4321

const events = '/__folio/events'

/** The names a browser on this machine uses for the loopback interface. */
const loopbackNames = ['127.0.0.1', 'localhost', '[::1]']

/** The script served pages get: reload after a rebuild; show the messages of a failed one. */
const problemsStyle =
  'position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;padding:1em;background:#7a1010;color:#fff;font:14px/1.4 monospace;z-index:2147483647;white-space:pre-wrap'
const problemsHeading = 'Build failed; this is the last good edition.'

const reloadScript = `<script>
(() => {
  const source = new EventSource('${events}')
  source.addEventListener('rebuilt', () => location.reload())
  source.addEventListener('failed', (event) => {
    let box = document.getElementById('folio-problems')
    if (!box) {
      box = document.createElement('pre')
      box.id = 'folio-problems'
      box.setAttribute('role', 'alert')
      box.style.cssText = '${problemsStyle}'
      document.body.append(box)
    }
    box.textContent = '${problemsHeading}\\n\\n' + JSON.parse(event.data).join('\\n')
  })
})()
</script>`

const escape = (text: string) => text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`)

export class PreviewServer {
  #server: Server
  #clients = new Set<ServerResponse>()
  #works = new Map<string, PreviewWork>()

  constructor() {
    this.#server = createServer((request, response) => {
      const refusal = this.#refuse(request)
      if (refusal) {
        response.writeHead(refusal.status, {'content-type': 'text/plain; charset=utf-8', ...refusal.headers}).end(refusal.text)
        return
      }
      this.#answer(request, response).catch(() => {
        // The reason (and the file's path) is no business of a web page.
        if (!response.headersSent) response.writeHead(500, {'content-type': 'text/plain; charset=utf-8'})
        response.end('The edition could not be read; rebuild it')
      })
    })
  }

  /** Why a request is not answered, or undefined when it may be. */
  #refuse(request: IncomingMessage): {status: number; text: string; headers?: Record<string, string>} | undefined {
    if (request.method !== 'GET' && request.method !== 'HEAD') return {status: 405, text: 'Only GET and HEAD', headers: {allow: 'GET, HEAD'}}
    const port = (this.#server.address() as {port?: number} | null)?.port
    const names = loopbackNames.map((name) => `${name}:${port}`)
    if (!names.includes((request.headers.host ?? '').toLowerCase())) {
      return {status: 421, text: `This preview answers only at http://127.0.0.1:${port}/`}
    }
    const origin = request.headers.origin
    if (origin !== undefined && !names.some((name) => origin.toLowerCase() === `http://${name}`)) {
      return {status: 403, text: 'Pages of other sites may not read this preview'}
    }
    return undefined
  }

  /** Listen on 127.0.0.1; resolves with the address. */
  listen(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(port, '127.0.0.1', () => {
        const address = this.#server.address()
        resolve(typeof address === 'object' && address ? `http://127.0.0.1:${address.port}/` : `http://127.0.0.1:${port}/`)
      })
    })
  }

  /** Record a work's state without telling open pages (they were told as each edition was written). */
  record(work: PreviewWork): void {
    this.#works.set(work.slug, work)
  }

  /**
   * Record a work's state and tell open pages. After a whole build (no
   * `written`), or when the edition shown as a page (the HTML) is written,
   * pages reload (`rebuilt`), or show the messages of a failed build
   * (`failed`); when another edition is written (a PDF that printed after
   * the HTML), they are told so (`written`) and stay as they are.
   */
  update(work: PreviewWork, written?: string): void {
    this.#works.set(work.slug, work)
    const page = written === undefined || editions.find((edition) => edition.format === written)?.preview === 'page'
    const event =
      work.problems.length > 0
        ? `event: failed\ndata: ${JSON.stringify(work.problems)}\n\n`
        : page
          ? `event: rebuilt\ndata: ${JSON.stringify(work.slug)}\n\n`
          : `event: written\ndata: ${JSON.stringify({slug: work.slug, format: written})}\n\n`
    for (const client of this.#clients) client.write(event)
  }

  /** Forget a work that no longer exists: it leaves the index and its editions are no longer served. */
  remove(slug: string): void {
    if (!this.#works.delete(slug)) return
    for (const client of this.#clients) client.write(`event: removed\ndata: ${JSON.stringify(slug)}\n\n`)
  }

  async close(): Promise<void> {
    for (const client of this.#clients) client.end()
    this.#clients.clear()
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  async #answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const {pathname} = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (pathname === events) return this.#subscribe(response)
    if (pathname === '/') return this.#index(response)
    let name: string
    try {
      name = decodeURIComponent(pathname.slice(1))
    } catch {
      name = ''
    }
    const found = editionOfFile(name)
    const file = found ? this.#works.get(found.slug)?.editions.find((edition) => edition.format === found.edition.format)?.file : undefined
    // Only the editions of the works being watched: no other file is served.
    if (!found || !file) {
      response.writeHead(404, {'content-type': 'text/plain; charset=utf-8'}).end('Not found')
      return
    }
    const {edition, slug} = found
    const bytes = await readFile(file)
    if (edition.preview === 'page') {
      const problems = this.#works.get(slug)!.problems
      const box = problems.length > 0
        ? `<pre id="folio-problems" role="alert" style="${problemsStyle}">${escape([problemsHeading, '', ...problems].join('\n'))}</pre>`
        : ''
      // After the whole page, where no text or attribute of the manuscript can be around it: a
      // browser puts what follows </html> at the end of the body.
      const html = `${bytes.toString('utf8')}${box}${reloadScript}`
      response.writeHead(200, {'content-type': `${edition.mediaType}; charset=utf-8`, 'cache-control': 'no-store'}).end(html)
      return
    }
    const headers: Record<string, string> = {
      'content-type': edition.mediaType,
      'cache-control': 'no-store',
      'content-disposition': `${edition.preview}; filename="${path.basename(file)}"`
    }
    response.writeHead(200, headers).end(bytes)
  }

  #subscribe(response: ServerResponse): void {
    response.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive'})
    response.write(': connected\n\n')
    this.#clients.add(response)
    response.on('close', () => this.#clients.delete(response))
  }

  #index(response: ServerResponse): void {
    const page = previewIndex([...this.#works.values()], events)
    response.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'}).end(page)
  }
}
