/**
 * What a build is doing, while it does it: on a terminal, one live line per
 * edition, rewritten in place (chapters read, the stage, pages printed of
 * the pages expected, the time so far); when the output is not a terminal
 * (a log, CI), once an edition has taken `plainEvery` ms, a plain line when
 * it changes stage and at most every `plainEvery` ms while it prints; under `--quiet`, only the lines a build
 * prints today (each edition's, when it is written).
 *
 * The build tells it events; it knows nothing of how they are measured.
 */

export type ProgressEvent =
  /** Chapters read and transformed so far, of how many. */
  | {kind: 'read'; chapters: number; of: number}
  /** An edition is at a new stage: 'typesetting', 'loading the page', 'printing', 'finishing', 'writing'. */
  | {kind: 'stage'; edition: string; stage: string}
  /** Pages printed so far, and how many are expected when that can be told (from the first part). */
  | {kind: 'pages'; edition: string; pages: number; of?: number; part?: number; parts?: number}
  /** An edition is written: its line as the build prints it today. */
  | {kind: 'done'; edition: string; line: string}
  | {kind: 'failed'; edition: string; line: string}

export interface ProgressOutput {
  write(text: string): void
  /** A terminal: live lines. */
  isTTY?: boolean
  /** Its width, to keep a live line on one row. */
  columns?: number
}

export interface ProgressOptions {
  quiet?: boolean
  /** Plain output: the least time between two lines about one edition's pages. */
  plainEvery?: number
  /** Live output: the least time between two redraws. */
  redrawEvery?: number
  /** The clock (tests give their own). */
  now?: () => number
}

interface EditionState {
  stage: string
  pages?: number
  of?: number | undefined
  part?: number | undefined
  parts?: number | undefined
  started: number
  lastPlain: number
}

export class ProgressReporter {
  readonly #out: ProgressOutput
  readonly #options: ProgressOptions
  readonly #now: () => number
  readonly #started: number
  readonly #editions = new Map<string, EditionState>()
  #read: {chapters: number; of: number} | undefined
  /** Rows of live lines on the screen now. */
  #drawn = 0
  #lastDraw = Number.NEGATIVE_INFINITY
  #pending: ReturnType<typeof setTimeout> | undefined
  #ticker: ReturnType<typeof setInterval> | undefined

  constructor(out: ProgressOutput, options: ProgressOptions = {}) {
    this.#out = out
    this.#options = options
    this.#now = options.now ?? (() => performance.now())
    this.#started = this.#now()
  }

  get live(): boolean {
    return this.#out.isTTY === true && !this.#options.quiet
  }

  event(event: ProgressEvent): void {
    const now = this.#now()
    if (event.kind === 'read') {
      this.#read = {chapters: event.chapters, of: event.of}
      if (this.live) this.#schedule()
      return
    }
    if (event.kind === 'done' || event.kind === 'failed') {
      this.#editions.delete(event.edition)
      if (this.live) {
        this.#erase()
        this.#out.write(`${event.line}\n`)
        this.#draw()
      } else this.#out.write(`${event.line}\n`)
      return
    }
    const state = this.#editions.get(event.edition) ?? {stage: 'starting', started: now, lastPlain: Number.NEGATIVE_INFINITY}
    this.#editions.set(event.edition, state)
    let changedStage = false
    if (event.kind === 'stage') {
      changedStage = state.stage !== event.stage
      state.stage = event.stage
      // The pages printed stay; which part was printing is over.
      state.part = undefined
      state.parts = undefined
    } else {
      state.pages = event.pages
      state.of = event.of
      state.part = event.part
      state.parts = event.parts
    }
    if (this.#options.quiet) return
    if (this.live) {
      this.#schedule()
      this.#ticker ??= setInterval(() => this.#draw(), 1000)
      this.#ticker.unref?.()
      return
    }
    // Plain lines only about an edition that has taken a while: a quick build prints what it printed before.
    const every = this.#options.plainEvery ?? 10_000
    if (now - state.started >= every && (changedStage || now - state.lastPlain >= every)) {
      state.lastPlain = now
      this.#out.write(`${this.#describe(event.edition, state, now)}\n`)
    }
  }

  /** The live lines away and every edition forgotten: before the lines that stay are printed, and at the end. */
  clear(): void {
    this.close()
    this.#editions.clear()
    this.#read = undefined
  }

  /** The live lines away: call before printing anything else, and at the end. */
  close(): void {
    if (this.#pending) clearTimeout(this.#pending)
    if (this.#ticker) clearInterval(this.#ticker)
    this.#pending = undefined
    this.#ticker = undefined
    if (this.live) this.#erase()
  }

  #describe(edition: string, state: EditionState, now: number): string {
    const parts = [state.stage]
    if (state.pages !== undefined) parts.push(`${state.pages.toLocaleString('en')}${state.of ? ` of ~${state.of.toLocaleString('en')}` : ''} pages`)
    if (state.part !== undefined && state.parts !== undefined) parts.push(`part ${state.part} of ${state.parts}`)
    parts.push(`${Math.round((now - state.started) / 1000)} s`)
    // Aligned with the line each edition gets when it is written (cli/build-command.ts).
    return `${edition.padEnd(9)} ${parts.join('  ')}`
  }

  #lines(): string[] {
    const now = this.#now()
    const lines: string[] = []
    if (this.#read && this.#read.chapters < this.#read.of) lines.push(`${'reading'.padEnd(9)} ${this.#read.chapters} of ${this.#read.of} chapters  ${Math.round((now - this.#started) / 1000)} s`)
    for (const [edition, state] of this.#editions) lines.push(this.#describe(edition, state, now))
    const width = Math.max(20, (this.#out.columns ?? 80) - 1)
    return lines.map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line))
  }

  #schedule(): void {
    if (this.#pending) return
    const wait = Math.max(0, this.#lastDraw + (this.#options.redrawEvery ?? 100) - this.#now())
    // Drawn at once when it may be: a timer would wait for the build to yield, and a quick edition never does.
    if (wait === 0) return this.#draw()
    this.#pending = setTimeout(() => {
      this.#pending = undefined
      this.#draw()
    }, wait)
    this.#pending.unref?.()
  }

  #erase(): void {
    // Up to the first live row, and clear to the end of the screen.
    if (this.#drawn > 0) this.#out.write(`\x1b[${this.#drawn}F\x1b[0J`)
    this.#drawn = 0
  }

  #draw(): void {
    if (!this.live) return
    if (this.#editions.size === 0 && this.#ticker) {
      clearInterval(this.#ticker)
      this.#ticker = undefined
    }
    const lines = this.#lines()
    // Nothing to show and nothing shown: not a redraw, so the first line to come is drawn at once.
    if (lines.length === 0 && this.#drawn === 0) return
    this.#lastDraw = this.#now()
    this.#erase()
    if (lines.length > 0) this.#out.write(`${lines.join('\n')}\n`)
    this.#drawn = lines.length
  }
}

/**
 * Pages expected in all, from the pages and words printed so far: the
 * first parts of a long work tell how many words a page holds.
 */
export function expectedPages(pagesSoFar: number, wordsSoFar: number, words: number): number {
  if (wordsSoFar <= 0) return pagesSoFar
  return Math.max(pagesSoFar, Math.round((pagesSoFar * words) / wordsSoFar))
}
