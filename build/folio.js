#!/usr/bin/env node
// The `folio` command. Folio is written in TypeScript. To start fast, it runs
// from one JavaScript bundle of build/ (made by esbuild, beside this file,
// and made again whenever a source is newer); FOLIO_NO_BUNDLE=1 runs the
// sources through tsx instead. See docs/decisions/0001.
import {readdirSync, renameSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const folder = path.dirname(fileURLToPath(import.meta.url))
// At the top of build/, so that `import.meta.url` in the bundle means what it means in the sources.
const bundle = path.join(folder, '.folio.bundle.mjs')

/** The newest modification time of the TypeScript sources. */
function newestSource() {
  let newest = 0
  for (const entry of readdirSync(folder, {recursive: true, withFileTypes: true})) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs)
    }
  }
  return newest
}

function bundleTime() {
  try {
    return statSync(bundle).mtimeMs
  } catch {
    return -1
  }
}

async function loadMain() {
  if (process.env.FOLIO_NO_BUNDLE) {
    const {register} = await import('tsx/esm/api')
    register()
    return import('./cli/main.ts')
  }
  if (bundleTime() < newestSource()) {
    const {build} = await import('esbuild')
    const temporary = `${bundle}.${process.pid}.tmp`
    await build({
      entryPoints: [path.join(folder, 'cli', 'main.ts')],
      outfile: temporary,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Packages stay imports: Node loads them as usual.
      packages: 'external',
      logLevel: 'error'
    })
    renameSync(temporary, bundle)
  }
  return import(bundle)
}

const {main} = await loadMain()
process.exitCode = await main(process.argv.slice(2))
