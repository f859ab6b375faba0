#!/usr/bin/env node
// `npm test` and `npm run test:exhaustive`: the test files are bundled with
// the sources they import (esbuild; the npm packages stay imports, which Node
// resolves itself), and node's test runner runs the bundles, one process per
// file, in the order named. Through tsx each test process spent about 2.5 s
// of processor time loading Folio's modules before its first test (tsx's
// resolver runs on a thread of its own and is asked about every import of
// every package); bundled, a file loads in a fraction of that. Stack traces
// point at the sources (source maps). One file from its source still works:
// `node --import tsx --test test/pdf.test.ts`.
//
//   node scripts/run-tests.js [--concurrency N] [--name-pattern P] FILE...
import {spawnSync} from 'node:child_process'
import {rmSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const project = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const {values, positionals} = parseArgs({
  options: {concurrency: {type: 'string', default: '4'}, 'name-pattern': {type: 'string'}},
  allowPositionals: true
})
// A file named twice (first among the longest, then in a glob) runs once, where it was first named.
const files = [...new Set(positionals.map((file) => path.resolve(file)))]
if (files.length === 0) {
  console.error('run-tests: name the test files')
  process.exit(2)
}

// Beside the bundle of build/folio.js; one folder a run, so that two runs do not share one.
const out = path.join(project, 'node_modules', '.cache', 'folio', `tests-${process.pid}`)
const {build, stop} = await import('esbuild')
try {
  await build({
    entryPoints: files,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    outdir: out,
    outExtension: {'.js': '.mjs'},
    bundle: true,
    splitting: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'error'
  })
  await stop()
  const bundles = files.map((file) => path.join(out, `${path.basename(file, path.extname(file))}.mjs`))
  const pattern = values['name-pattern'] ? [`--test-name-pattern=${values['name-pattern']}`] : []
  const result = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--test', `--test-concurrency=${values.concurrency}`, '--test-reporter=spec', ...pattern, ...bundles],
    {stdio: 'inherit', cwd: project}
  )
  process.exitCode = result.status ?? 1
} finally {
  rmSync(out, {recursive: true, force: true})
}
