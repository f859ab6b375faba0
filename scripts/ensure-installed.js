#!/usr/bin/env node
// Makes a fresh clone ready before `npm run build` and `npm test`, so that the
// README's quick start is two commands on a new Debian or Ubuntu machine:
//   - the npm dependencies (`npm ci`) when node_modules is missing or older
//     than package-lock.json;
//   - a browser for the PDF edition and the EPUB cover when none is found:
//     Debian's chromium-headless-shell (as root, where the package exists),
//     else Puppeteer's own download of the same;
//   - with `--for test`: Java (for the Nu HTML Checker), EPUBCheck,
//     poppler-utils (pdfinfo, pdffonts, pdftotext) and mupdf-tools (mutool),
//     from Debian's packages.
// It only installs what is missing; without root it says what to install.
// Plain JavaScript with Node's own modules only: it runs before anything is installed.
import {spawnSync} from 'node:child_process'
import {accessSync, constants, existsSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const project = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const forTests = process.argv.includes('--for') && process.argv[process.argv.indexOf('--for') + 1] === 'test'
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
process.env.DEBIAN_FRONTEND = 'noninteractive'

function run(command, args, options = {}) {
  console.error(`> ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, {cwd: project, stdio: 'inherit', ...options})
  if (result.status !== 0 && !options.allowFailure) {
    console.error(`\`${command} ${args.join(' ')}\` failed (exit ${result.status ?? result.signal}).`)
    process.exit(1)
  }
  return result.status === 0
}

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((folder) => {
    try {
      accessSync(path.join(folder, command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

let aptUpdated = false
function canApt(packageName) {
  if (!isRoot || !onPath('apt-get')) return false
  return spawnSync('apt-cache', ['show', packageName], {stdio: 'ignore'}).status === 0
}

function aptInstall(packages) {
  if (!aptUpdated) run('apt-get', ['update', '-qq'])
  aptUpdated = true
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages])
}

/** Install Debian packages, or stop with the command to run. */
function requirePackages(packages, why) {
  if (isRoot && onPath('apt-get')) return aptInstall(packages)
  console.error(`Folio needs ${why}. Install it, for example: sudo apt-get install -y ${packages.join(' ')}`)
  process.exit(1)
}

// 1. npm dependencies.
const lock = path.join(project, 'package-lock.json')
const installed = path.join(project, 'node_modules', '.package-lock.json')
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  run('npm', ['ci', '--no-audit', '--no-fund'])
}

// 2. A browser for the PDF edition (found as build/browser/find-browser.ts finds it).
const browsers = ['chromium-headless-shell', 'chrome-headless-shell', 'chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome']
if (!process.env.PUPPETEER_EXECUTABLE_PATH && !browsers.some(onPath)) {
  const check = "const p=require('puppeteer');const fs=require('fs');if(![p.executablePath({headless:'shell'}),p.executablePath()].some(f=>fs.existsSync(f)))process.exit(1)"
  const cached = spawnSync(process.execPath, ['-e', check], {cwd: project, stdio: 'ignore'})
  if (cached.status !== 0) {
    if (canApt('chromium-headless-shell')) {
      aptInstall(['chromium-headless-shell'])
    } else {
      // Not Debian (Ubuntu's chromium is a snap): Puppeteer's own download.
      run('npx', ['--no-install', 'puppeteer', 'browsers', 'install', 'chrome-headless-shell', ...(isRoot ? ['--install-deps'] : [])])
    }
  }
}

// 3. What the tests check editions with.
if (forTests) {
  if (!onPath('java')) requirePackages(['default-jre-headless'], 'Java to run the Nu HTML Checker')
  if (!onPath('pdfinfo') || !onPath('pdffonts') || !onPath('pdftotext')) {
    requirePackages(['poppler-utils'], 'poppler-utils (pdfinfo, pdffonts, pdftotext) to check the PDF editions')
  }
  // The PDF's text is read as readers' tools read it: pdf.js, poppler and MuPDF (build/check/pdf-text.ts).
  if (!onPath('mutool')) requirePackages(['mupdf-tools'], 'MuPDF (mutool) to read the PDF editions as MuPDF does')
  // Ace by DAISY, in the EPUB tests, drives a full Chromium.
  if (!process.env.PUPPETEER_EXECUTABLE_PATH && !onPath('chromium') && canApt('chromium')) aptInstall(['chromium'])
  if (!process.env.EPUBCHECK_JAR && !existsSync('/usr/share/java/epubcheck.jar')) {
    requirePackages(['epubcheck'], 'EPUBCheck to check the EPUB editions (or set EPUBCHECK_JAR to its jar)')
  }
}
