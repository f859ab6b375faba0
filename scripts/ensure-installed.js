#!/usr/bin/env node
// Makes a fresh clone ready before `npm run build` and `npm test`, so that the
// README's quick start is two commands on a new Debian or Ubuntu machine:
//   - the npm dependencies (`npm ci`) when node_modules is missing or older
//     than package-lock.json;
//   - with `--for test`: Java, for the Nu HTML Checker, from Debian's packages
//     when running as root (otherwise it says what to install).
// Plain JavaScript with Node's own modules only: it runs before anything is installed.
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const project = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const forTests = process.argv.includes('--for') && process.argv[process.argv.indexOf('--for') + 1] === 'test'

function run(command, args) {
  console.error(`> ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, {cwd: project, stdio: 'inherit'})
  if (result.status !== 0) {
    console.error(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`)
    process.exit(1)
  }
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'}).status === 0
}

function aptInstall(packages, why) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot || !has('apt-get')) {
    console.error(`Folio needs ${why}. Install it, for example: sudo apt-get install -y ${packages.join(' ')}`)
    process.exit(1)
  }
  execFileSync('apt-get', ['update', '-qq'], {stdio: 'inherit'})
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages])
}

const lock = path.join(project, 'package-lock.json')
const installed = path.join(project, 'node_modules', '.package-lock.json')
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  run('npm', ['ci', '--no-audit', '--no-fund'])
}

if (forTests && !has('java')) {
  process.env.DEBIAN_FRONTEND = 'noninteractive'
  aptInstall(['default-jre-headless'], 'Java to run the Nu HTML Checker in the tests')
}
