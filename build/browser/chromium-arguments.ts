/**
 * Chromium's command line as Puppeteer 24 builds it for Folio's launch:
 * Puppeteer's default arguments (`puppeteer.defaultArgs()`), Folio's own,
 * a DevTools pipe and the profile folder. Written out here so that
 * ./early-start.ts can start the browser before Puppeteer has loaded; the
 * browser service uses a browser started that way when the puppeteer-core
 * installed is the one the list was written for, and otherwise compares it
 * with Puppeteer's own list first; a test keeps the two equal.
 */

/** What Folio adds to Puppeteer's defaults. */
export function folioChromiumArguments(): string[] {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  return [
    ...(isRoot ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
    '--no-default-browser-check',
    // The same glyph positions on every machine.
    '--font-render-hinting=none'
  ]
}

/** The puppeteer-core whose default arguments `chromiumArguments` writes out (a test keeps it the one installed). */
export const argumentsOfPuppeteer = '24.43.1'

/** `puppeteer.defaultArgs({headless, args: folioChromiumArguments(), userDataDir: profile})` and the pipe, as Puppeteer 24.43.1 gives them. */
export function chromiumArguments(headless: true | 'shell', profile: string): string[] {
  return [
    '--allow-pre-commit-input',
    '--disable-background-networking',
    '--disable-background-timer-throttling',
    '--disable-backgrounding-occluded-windows',
    '--disable-breakpad',
    '--disable-client-side-phishing-detection',
    '--disable-component-extensions-with-background-pages',
    '--disable-crash-reporter',
    '--disable-default-apps',
    '--disable-dev-shm-usage',
    '--disable-hang-monitor',
    '--disable-infobars',
    '--disable-ipc-flooding-protection',
    '--disable-popup-blocking',
    '--disable-prompt-on-repost',
    '--disable-renderer-backgrounding',
    '--disable-search-engine-choice-screen',
    '--disable-sync',
    '--enable-automation',
    '--export-tagged-pdf',
    '--force-color-profile=srgb',
    '--generate-pdf-document-outline',
    '--metrics-recording-only',
    '--no-first-run',
    '--password-store=basic',
    '--use-mock-keychain',
    '--disable-features=Translate,AcceptCHFrame,MediaRouter,OptimizationHints,WebUIReloadButton,ProcessPerSiteUpToMainFrameThreshold,IsolateSandboxedIframes',
    '--enable-features=PdfOopif',
    `--user-data-dir=${profile}`,
    headless === 'shell' ? '--headless' : '--headless=new',
    '--hide-scrollbars',
    '--mute-audio',
    '--disable-extensions',
    'about:blank',
    ...folioChromiumArguments(),
    '--remote-debugging-pipe'
  ]
}
