#!/usr/bin/env node
// The `folio` command. Folio is written in TypeScript. To start fast it runs
// from a JavaScript bundle of build/, split so that each edition's libraries
// load only when that edition is built. The bundle is made by esbuild into
// node_modules/.cache/folio/ and made again whenever a source is newer;
// FOLIO_NO_BUNDLE=1 runs the sources through tsx instead. See
// docs/decisions/0001.
import {existsSync, readdirSync, renameSync, rmSync, statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const sources = path.dirname(fileURLToPath(import.meta.url))
const cache = path.join(sources, '..', 'node_modules', '.cache', 'folio')
const bundle = path.join(cache, 'bundle')
const entry = path.join(bundle, 'main.mjs')

/** The newest modification time of the TypeScript sources, and of this file, which says how the bundle is made. */
function newestSource() {
  let newest = statSync(fileURLToPath(import.meta.url)).mtimeMs
  for (const item of readdirSync(sources, {recursive: true, withFileTypes: true})) {
    if (item.isFile() && item.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(path.join(item.parentPath ?? item.path, item.name)).mtimeMs)
    }
  }
  return newest
}

/**
 * unist-util-visit-parents names the function it makes for each node it
 * visits after that node (`Object.defineProperty(visit, 'name', …)`), for
 * stack traces: on every node of every walk of every tree. V8 makes that
 * slow, and Folio walks a chapter's trees some twenty times. The bundle
 * leaves the names out, which changes nothing else: a one-word edit to a
 * work of 80,000 words in one chapter was read in 100 ms with them, 52 ms
 * without (docs/decisions/0001). Left as it is when the line is not there.
 */
const unnamedVisitors = {
  name: 'unnamed-visitors',
  setup(build) {
    build.onLoad({filter: /[\\/]unist-util-visit-parents[\\/]lib[\\/]index\.js$/}, async ({path: file}) => ({
      contents: (await readFile(file, 'utf8')).replace("Object.defineProperty(visit, 'name', {", "false && Object.defineProperty(visit, 'name', {"),
      loader: 'js'
    }))
  }
}

async function makeBundle() {
  const {build, stop} = await import('esbuild')
  // Built aside and moved into place, so that a run that started earlier keeps a whole bundle.
  const fresh = path.join(cache, `bundle-${process.pid}`)
  await build({
    entryPoints: {main: path.join(sources, 'cli', 'main.ts'), early: path.join(sources, 'browser', 'early-start.ts')},
    outdir: fresh,
    outExtension: {'.js': '.mjs'},
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The unified ecosystem is some two hundred small modules: bundled, they load in one read.
    // Native and browser-driving packages stay imports, loaded when a chunk needs them; so do
    // the font packages, which load their WebAssembly from beside their own modules.
    external: ['puppeteer', 'sharp', 'esbuild', 'tsx', 'pdfjs-dist', 'harfbuzzjs', 'subset-font', 'fontverter', 'fonteditor-core'],
    // CommonJS packages inside the bundle still expect require, __filename and __dirname.
    banner: {
      js: [
        "import {createRequire as __folioRequire} from 'node:module';",
        "import {fileURLToPath as __folioPath} from 'node:url';",
        'const require = __folioRequire(import.meta.url);',
        'const __filename = __folioPath(import.meta.url);',
        "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));"
      ].join(' ')
    },
    // Whitespace and syntax minified: a third less source for V8 to read at every start (about 90 ms of 450).
    // Names stay, for stacks; FOLIO_NO_BUNDLE=1 runs the sources themselves.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [unnamedVisitors],
    logLevel: 'error'
  })
  // esbuild's service process (about 100 MB) is not needed for the rest of the run.
  await stop()
  const old = path.join(cache, `bundle-old-${process.pid}`)
  // Runs started together (a test suite's first processes) may each make the bundle: the first in place is kept.
  try {
    renameSync(bundle, old)
  } catch (error) {
    if (error.code !== 'ENOENT') throw error
  }
  try {
    renameSync(fresh, bundle)
  } catch (error) {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error
    rmSync(fresh, {recursive: true, force: true})
  }
  rmSync(old, {recursive: true, force: true})
}

/**
 * Whether the command will print a PDF: `build` or `watch` with the PDF
 * among its formats (it is by default). Its browser is then started before
 * anything else loads (browser/early-start.ts).
 */
function printsPdf(argv) {
  if (!['build', 'watch'].includes(argv[0]) || argv.includes('-h') || argv.includes('--help')) return false
  const formats = argv.flatMap((arg, index) =>
    arg.startsWith('--format=') ? [arg.slice(9)] : arg === '--format' || arg === '-f' ? [argv[index + 1] ?? ''] : arg.startsWith('-f') && arg.length > 2 && !arg.startsWith('--') ? [arg.slice(2)] : []
  )
  return formats.length === 0 || formats.some((list) => list.split(',').some((format) => format.trim().toLowerCase() === 'pdf'))
}

async function loadMain() {
  const early = printsPdf(process.argv.slice(2))
  if (process.env.FOLIO_NO_BUNDLE) {
    const {register} = await import('tsx/esm/api')
    register()
    if (early) (await import('./browser/early-start.ts')).startChromiumEarly()
    return import('./cli/main.ts')
  }
  const made = existsSync(entry) ? statSync(entry).mtimeMs : -1
  if (made < newestSource()) await makeBundle()
  if (early) (await import(pathToFileURL(path.join(bundle, 'early.mjs')).href)).startChromiumEarly()
  return import(pathToFileURL(entry).href)
}

const {main} = await loadMain()
const code = await main(process.argv.slice(2))
// main has finished every write it started. Exiting now spares Node the freeing of its whole heap
// on the way out (about 50 ms on two cores); output still queued (a pipe, on macOS) is let drain first.
if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) process.exitCode = code
else process.exit(code)
