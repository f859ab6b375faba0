/**
 * Chromium started before Folio loads (build/browser/early-start.ts): the
 * browser service uses it, over its DevTools pipe, when it was started as
 * Puppeteer would start it, and otherwise ends it and launches its own; a
 * closed service leaves neither process nor profile folder, nor does one
 * left as the process exits (its watchdog cleans up after it).
 */
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import test from 'node:test'
import {BrowserService} from '../build/browser/browser-service.ts'
import {argumentsOfPuppeteer, chromiumArguments, folioChromiumArguments} from '../build/browser/chromium-arguments.ts'
import {puppeteerCoreVersion} from '../build/browser/find-browser.ts'
import {startChromiumEarly, type EarlyChromium} from '../build/browser/early-start.ts'
import {pdfText} from './harness.ts'

const early = () => (globalThis as {[key: symbol]: EarlyChromium | undefined})[Symbol.for('folio.earlyChromium')]
const alive = (pid: number | undefined) => pid !== undefined && existsSync(`/proc/${pid}`)
const page = (pathname: string) => (pathname === '/index.html' ? {contentType: 'text/html', body: '<!doctype html><html lang="en"><title>t</title><h1>Started early</h1></html>'} : undefined)

/** The early browser's process group is gone within a few seconds. */
async function gone(pid: number | undefined): Promise<boolean> {
  for (let tries = 0; tries < 50 && alive(pid); tries++) await new Promise((resolve) => setTimeout(resolve, 100))
  return !alive(pid)
}

test('the command line written out is the one Puppeteer gives, for the headless shell and for a full Chromium', async () => {
  const {default: puppeteer} = await import('puppeteer')
  // The service trusts the list without asking Puppeteer only for the version it was written for.
  assert.equal(puppeteerCoreVersion(), argumentsOfPuppeteer, 'the list is written for the puppeteer-core installed: check it against defaultArgs and update argumentsOfPuppeteer')
  for (const headless of ['shell', true] as const) {
    assert.deepEqual(chromiumArguments(headless, '/tmp/profile'), [...puppeteer.defaultArgs({headless, args: folioChromiumArguments(), userDataDir: '/tmp/profile'}), '--remote-debugging-pipe'])
  }
})

test('a browser started early is the one the service prints with, and it ends with the service', async () => {
  startChromiumEarly()
  const started = early()
  assert.ok(started, 'a Chromium is installed here: it is started')
  const pid = started.process.pid
  const service = new BrowserService()
  try {
    const text = await service.run({description: 'printing with the early browser', site: page}, async (tab) => {
      // Had the service launched its own, it would have ended this one first.
      assert.ok(alive(pid), 'the early browser is running while the job prints')
      return (await pdfText(await tab.pdf({tagged: true}))).join('\n')
    })
    assert.match(text, /Started early/)
    assert.equal(early(), undefined, 'taken once')
  } finally {
    await service.close()
  }
  assert.ok(await gone(pid), 'closed with the service')
  assert.ok(!existsSync(started.profile), 'its profile folder removed')
})

test('a browser started with another command line than Puppeteer would give is ended, and the service launches its own', async () => {
  startChromiumEarly()
  const started = early()
  assert.ok(started)
  started.args.push('--an-argument-puppeteer-does-not-give')
  const service = new BrowserService()
  try {
    const text = await service.run({description: 'printing with a browser of its own', site: page}, async (tab) => {
      assert.ok(!alive(started.process.pid), 'the early browser was ended before the job')
      return (await pdfText(await tab.pdf())).join('\n')
    })
    assert.match(text, /Started early/)
  } finally {
    await service.close()
  }
  assert.ok(await gone(started.process.pid))
})

test('a service left as its process exits: Chromium ends by itself, and its watchdog removes the profile folder', async () => {
  startChromiumEarly()
  const started = early()
  assert.ok(started)
  const service = new BrowserService()
  const text = await service.run({description: 'printing before leaving', site: page}, async (tab) => (await pdfText(await tab.pdf())).join('\n'))
  assert.match(text, /Started early/)
  await service.close({leave: true})
  assert.ok(await gone(started.process.pid), 'the browser ended after it was asked to close')
  // Removed by the watchdog, which waited for the browser: closing with `leave` waits for neither.
  for (let tries = 0; tries < 50 && existsSync(started.profile); tries++) await new Promise((resolve) => setTimeout(resolve, 100))
  assert.ok(!existsSync(started.profile), 'its profile folder removed')
})
