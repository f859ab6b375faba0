/**
 * How long a step of a build may go without getting further, for every step
 * and not only the browser's: reading and transforming a work's chapters,
 * and building each edition. Not a limit on a step's total time, which a
 * long enough book would reach however healthy the build: a step checks its
 * limit as it goes (between chapters, prints and pages), and each check that
 * passes starts a new window. Every step is linear in its input (see
 * transform/bounded-markdown.ts), so none can run far past a check; time
 * spent in the browser is watched by the browser's own limit on lack of
 * progress (browser/stall-watch.ts), and a step says so with `progress`.
 */
import {CancelledError, FolioError} from './errors.ts'

/** Seconds from FOLIO_TIMEOUT, else 120. */
export const defaultStepSeconds = Number(process.env.FOLIO_TIMEOUT) || 120

/** A step went longer than it may without getting further. */
export class StepTimeoutError extends FolioError {
  override name = 'StepTimeoutError'
}

export class TimeLimit {
  readonly seconds: number
  /** Stops the step at its next check when it went stale (watch mode: a newer save). */
  readonly signal: AbortSignal | undefined
  readonly #what: string
  #deadline: number

  /**
   * @param what The step, for the message ("reading brief.md").
   * @param seconds How long it may go between two checks.
   * @param signal Cancels the step at its next check.
   */
  constructor(what: string, seconds = defaultStepSeconds, signal?: AbortSignal) {
    this.seconds = seconds
    this.signal = signal
    this.#what = what
    this.#deadline = performance.now() + seconds * 1000
  }

  /**
   * Throw when the step went too long since it last got further, or was
   * cancelled; `where` says how far it got.
   */
  check(where: string): void {
    if (this.signal?.aborted) throw new CancelledError(`${this.#what} was stopped at ${where}: a newer build replaces it`)
    if (performance.now() > this.#deadline) {
      throw new StepTimeoutError(
        `${this.#what} went longer than ${this.seconds} s without getting further (it had got to ${where}); set FOLIO_TIMEOUT (seconds) to allow more`
      )
    }
    this.progress()
  }

  /** The step got further by work watched elsewhere (a browser job, which has its own limit on lack of progress). */
  progress(): void {
    this.#deadline = performance.now() + this.seconds * 1000
  }
}
