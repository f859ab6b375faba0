/**
 * The folder tree is the pipeline, and the imports say so: each folder of
 * build/ imports only from its own folder and from the layers below it
 * (docs/decisions/0006-layers.md), and no two modules import each other,
 * directly or in a loop.
 */
import assert from 'node:assert/strict'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {projectRoot} from './harness.ts'

const buildFolder = path.join(projectRoot, 'build')

/** Bottom to top. A module in one layer may import its own layer's modules and any below. */
export const layers: string[][] = [
  ['errors.ts', 'messages.ts', 'project.ts', 'templates-folder.ts', 'strings.ts', 'time-limit.ts', 'write-whole.ts', 'font-packages.ts', 'file-errors.ts'],
  ['document'],
  ['read', 'browser', 'check'],
  ['transform'],
  ['pipeline'],
  ['editions'],
  ['output'],
  ['publish'],
  ['cli']
]

/** The layer of a module: its folder below build/, or its own name at the top of build/. */
function layerOf(module: string): number {
  const top = module.split('/')[0]!
  const index = layers.findIndex((names) => names.includes(top))
  assert.notEqual(index, -1, `build/${module} belongs to no layer: add its folder to the layers`)
  return index
}

/** Every TypeScript module of build/, with the modules of build/ it imports (static, dynamic and type imports). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const files = readdirSync(buildFolder, {recursive: true, encoding: 'utf8'}).filter((name) => name.endsWith('.ts'))
  for (const file of files) {
    const source = readFileSync(path.join(buildFolder, file), 'utf8')
    const imports = [...source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
      path.relative(buildFolder, path.resolve(path.dirname(path.join(buildFolder, file)), match[1]!)).split(path.sep).join('/')
    )
    graph.set(file.split(path.sep).join('/'), imports)
  }
  return graph
}

test('no module imports from a layer above its own', () => {
  const upward: string[] = []
  for (const [module, imports] of importGraph()) {
    for (const target of imports) {
      if (layerOf(target) > layerOf(module)) upward.push(`build/${module} imports build/${target}`)
    }
  }
  assert.deepEqual(upward, [])
})

test('no two modules import each other, directly or in a loop', () => {
  const graph = importGraph()
  const cycles: string[] = []
  const state = new Map<string, 'open' | 'done'>()
  const visit = (module: string, trail: string[]): void => {
    if (state.get(module) === 'done') return
    if (state.get(module) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(module)), module].join(' -> '))
      return
    }
    state.set(module, 'open')
    for (const target of graph.get(module) ?? []) visit(target, [...trail, module])
    state.set(module, 'done')
  }
  for (const module of graph.keys()) visit(module, [])
  assert.deepEqual(cycles, [])
})

test('the checker sees the imports it judges', () => {
  // Guards the two tests above against a graph that came out empty.
  const graph = importGraph()
  assert.ok(graph.get('cli/main.ts')?.includes('cli/build-command.ts'))
  assert.ok((graph.get('editions/index.ts') ?? []).some((target) => target.startsWith('editions/')))
})

test('no test finds a file from where its own module is: the tests run bundled (scripts/run-tests.js)', () => {
  const testFolder = path.join(projectRoot, 'test')
  const tests = readdirSync(testFolder)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(testFolder, name))
  // And the scripts they import (a long work's text, for one).
  const scripts = tests.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/from '\.\.\/(scripts\/[\w-]+\.ts)'/g)].map((match) => path.join(projectRoot, match[1]!)))
  const local = [...new Set([...tests, ...scripts])].filter((file) => /\bimport\.meta\b|\b__dirname\b|\b__filename\b/.test(readFileSync(file, 'utf8')))
  assert.deepEqual(local.map((file) => path.relative(projectRoot, file)), [], 'use projectRoot or fixtures from test/harness.ts: a bundle is not beside the test it was made from')
})
