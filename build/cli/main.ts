/**
 * The `folio` command line. Exit codes: 0 success, 1 manuscript errors (or a
 * failure while building), 2 usage errors.
 */
import {Command, CommanderError, Option} from 'commander'
import type {ProgressOutput} from '../output/progress.ts'
import type {BrowserService} from '../browser/browser-service.ts'
import {pageSizes} from '../document/page-sizes.ts'
import {formats} from '../editions/index.ts'
import {FolioError, UsageError} from '../errors.ts'
import {printable} from '../output/report.ts'
import {version} from '../project.ts'
import {cacheWritesSettled} from '../write-whole.ts'
import {runBuild} from './build-command.ts'
import {runCheck} from './check-command.ts'
import type {Console} from './console.ts'
import {defaultPort, runWatch} from './watch-command.ts'

/** Where a run of the command line happens; a test gives its own, the `folio` command the process's. */
export interface MainOptions {
  console?: Console
  /** Aborted to stop (Ctrl-C): commands close the browser and the server on their way out. */
  signal?: AbortSignal
  /** Folder the command's paths are relative to. */
  cwd?: string
  /** Where SOURCE_DATE_EPOCH is read. */
  env?: Record<string, string | undefined>
  /** A running browser to use instead of starting one; it is left running. */
  browser?: BrowserService
  /** Where progress is shown while a build runs (the command: standard error); none when not given. */
  progress?: ProgressOutput
}

/** Run the command line; returns the exit code. */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const console = printableConsole(options.console ?? processConsole())
  const signal = options.signal ?? interrupted()
  const cwd = options.cwd ?? process.cwd()
  const env = options.env ?? process.env
  const browser = options.browser ? {browser: options.browser} : {}
  const progressOutput = options.progress ?? (options.console ? undefined : {write: (text: string) => void process.stderr.write(text), isTTY: process.stderr.isTTY, columns: process.stderr.columns})
  let exitCode = 0
  const program = new Command('folio')
    .description('One Markdown manuscript in, three editions out: HTML, PDF and EPUB; checked, reproducible.')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(run folio --help for usage)')
    .exitOverride()
    .configureOutput({writeOut: (text) => lines(text, console.out), writeErr: (text) => lines(text, console.err)})

  const buildOptions = (command: Command): Command =>
    command
      .option('-o, --out <dir>', 'folder the editions are written to', 'output')
      .addOption(new Option('-f, --format <list>', `editions to build, comma-separated: ${formats.join(',')}`).argParser(list))
      .addOption(new Option('--page-size <size>', 'page size of the PDF editions (default: the manuscript\'s, else a4)').choices(Object.keys(pageSizes)))
      .option('--strict', 'treat every warning as an error (exit 1, nothing written)', false)
      .option('-q, --quiet', 'no progress while building, only each edition\'s line when it is written', false)
      .exitOverride()
  type Flags = {out: string; format?: string[]; strict: boolean; quiet?: boolean; pageSize?: string; port?: string; serve?: boolean; check?: boolean; reproducibleCheck?: boolean}
  const common = (works: string[], flags: Flags) => ({
    works,
    out: flags.out,
    strict: flags.strict,
    cwd,
    ...(progressOutput && flags.quiet !== true ? {progress: progressOutput} : {}),
    ...browser,
    ...(flags.format ? {formats: flags.format} : {}),
    ...(flags.pageSize ? {pageSize: flags.pageSize} : {}),
    ...sourceDateEpoch(env.SOURCE_DATE_EPOCH)
  })

  buildOptions(
    program
      .command('build')
      .description('build the editions of each work (default: every work in manuscript/)')
      .argument('[work...]', 'a Markdown file or a folder of chapters, or manuscript/ for all of its works')
      .option('--check', 'check the editions once built (as folio check does); exit 1 if a check fails', false)
      .option('--no-validators', 'with --check: Folio\'s own checks only, no EPUBCheck, Nu HTML Checker or Ace')
      .option('--reproducible-check', 'build every work twice and compare the bytes of each edition', false)
  ).action(async (works: string[], flags: Flags & {validators?: boolean}) => {
    try {
      exitCode = await runBuild(
        {...common(works, flags), check: flags.check === true, validators: flags.validators !== false, reproducibleCheck: flags.reproducibleCheck === true, exits: true},
        console,
        signal
      )
    } catch (error) {
      // Interrupted: the browser was closed under a job; that is not an error to report.
      if (!signal.aborted) throw error
    }
    if (signal.aborted) exitCode = 130
  })

  program
    .command('check')
    .description('check the editions of each work: validators, structure, and every paragraph of the manuscript in each')
    .argument('[work...]', 'a Markdown file or a folder of chapters, or manuscript/ for all of its works')
    .option('-o, --out <dir>', 'folder the editions are in', 'output')
    .addOption(new Option('-f, --format <list>', `editions to check, comma-separated (default: every one built): ${formats.join(',')}`).argParser(list))
    .addOption(new Option('--page-size <size>', 'page size the PDFs were built with, if not the manuscript\'s').choices(Object.keys(pageSizes)))
    .option('--no-validators', 'Folio\'s own checks only: no EPUBCheck, Nu HTML Checker or Ace (no Java, seconds faster)')
    .exitOverride()
    .action(async (works: string[], flags: {out: string; format?: string[]; pageSize?: string; validators: boolean}) => {
      exitCode = await runCheck(
        {
          works,
          out: flags.out,
          cwd,
          validators: flags.validators,
          ...(flags.format ? {formats: flags.format} : {}),
          ...(flags.pageSize ? {pageSize: flags.pageSize} : {})
        },
        console
      )
    })

  buildOptions(
    program
      .command('watch')
      .description('build, then rebuild on every save, with a live preview in the browser')
      .argument('[work...]', 'a Markdown file or a folder of chapters, or manuscript/ for all of its works')
      .option('-p, --port <number>', `port of the preview server, on 127.0.0.1 (0: any free one)`, String(defaultPort))
      .option('--no-serve', 'no preview server, only rebuilds')
  ).action(async (works: string[], flags: Flags) => {
    const port = Number(flags.port)
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a port number, not \`${flags.port}\``)
    exitCode = await runWatch({...common(works, flags), port, serve: flags.serve !== false}, console, signal)
  })

  try {
    if (argv.length === 0) {
      program.outputHelp()
      return 2
    }
    await program.parseAsync(argv, {from: 'user'})
    await cacheWritesSettled()
    return exitCode
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2
    }
    if (error instanceof UsageError) {
      console.err(`folio: ${error.message}`)
      return 2
    }
    if (error instanceof FolioError) {
      console.err(`folio: ${error.message}`)
      if (process.env.FOLIO_DEBUG) lines(String((error.cause as Error | undefined)?.stack ?? ''), console.err)
      return 1
    }
    throw error
  }
}

/** Aborted on Ctrl-C or SIGTERM, so that commands close the browser and the server on their way out. */
function interrupted(): AbortSignal {
  const controller = new AbortController()
  const stop = () => {
    if (controller.signal.aborted) process.exit(130)
    controller.abort()
  }
  process.once('SIGINT', stop).once('SIGTERM', stop)
  return controller.signal
}

function list(value: string): string[] {
  return value.split(',').map((item) => item.trim().toLowerCase()).filter(Boolean)
}

/** The latest moment a JavaScript Date holds, in seconds (ECMA-262, 21.4.1.1). */
const latestEpoch = 8.64e12

/** SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/), checked. */
function sourceDateEpoch(value: string | undefined): {sourceDateEpoch?: number} {
  if (value === undefined || value === '') return {}
  if (!/^\d+$/.test(value) || Number(value) > latestEpoch) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (at most ${latestEpoch}), not \`${value.slice(0, 40)}\``)
  }
  return {sourceDateEpoch: Number(value)}
}

/**
 * Every line printed as text: a file name or an error that holds a newline or
 * a control character cannot forge a line or act on the terminal. Folio's own
 * colours are the only escape sequences that pass, and only to a terminal.
 */
/** Folio's own text of several lines (the help, a stack for FOLIO_DEBUG), printed line by line. */
function lines(text: string, print: (line: string) => void): void {
  for (const line of text.trimEnd().split('\n')) print(line)
}

function printableConsole(console: Console): Console {
  return {
    out: (line) => console.out(printable(line, console.color)),
    err: (line) => console.err(printable(line, console.color)),
    color: console.color
  }
}

function processConsole(): Console {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    color: process.stderr.isTTY === true && !process.env.NO_COLOR
  }
}
