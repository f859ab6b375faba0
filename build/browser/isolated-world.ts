/**
 * Run a function in a loaded page's isolated world: it sees and changes the
 * page's DOM, but not the page's own JavaScript (which stays off), and the
 * page cannot see it. Through the DevTools protocol
 * (Page.createIsolatedWorld, Runtime.callFunctionOn), which Puppeteer's own
 * isolated world is made of but does not offer.
 *
 * The function is sent as its source text: it must use nothing from
 * outside itself but its arguments (JSON values).
 */
import type {CDPSession, Page} from 'puppeteer'
import {BrowserError} from './errors.ts'

const sessions = new WeakMap<Page, Promise<CDPSession>>()

export async function evaluateIsolated<Arguments extends unknown[], Result>(
  page: Page,
  work: (...args: Arguments) => Result,
  ...args: Arguments
): Promise<Awaited<Result>> {
  let session = sessions.get(page)
  if (!session) {
    session = page.createCDPSession()
    sessions.set(page, session)
  }
  const client = await session
  const {frameTree} = await client.send('Page.getFrameTree')
  const frameId = frameTree.frame.id
  const {executionContextId} = await client.send('Page.createIsolatedWorld', {frameId, worldName: 'folio'})
  const result = await client.send('Runtime.callFunctionOn', {
    functionDeclaration: work.toString(),
    executionContextId,
    arguments: args.map((value) => ({value})),
    returnByValue: true,
    awaitPromise: true
  })
  if (result.exceptionDetails) {
    throw new BrowserError(`a script in the page failed: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`)
  }
  return result.result.value as Awaited<Result>
}
