/**
 * The time a step of a build may take, for every step and not only the
 * browser's: reading and transforming a work's chapters, and building each
 * edition (its browser jobs have the same limit of their own). Steps check
 * their limit as they go, between chapters, passes and pages; every step is
 * linear in its input (see transform/bounded-markdown.ts), so none can run
 * far past a check.
 */
import {FolioError} from './errors.ts'

/** Seconds from FOLIO_TIMEOUT (or FOLIO_BROWSER_TIMEOUT, its older name), else 120. */
export const defaultStepSeconds = Number(process.env.FOLIO_TIMEOUT) || Number(process.env.FOLIO_BROWSER_TIMEOUT) || 120

/** A step took longer than it may. */
export class StepTimeoutError extends FolioError {
  override name = 'StepTimeoutError'
}

export class TimeLimit {
  readonly seconds: number
  readonly #what: string
  readonly #deadline: number

  /**
   * @param what The step, for the message ("reading brief.md").
   * @param seconds How long it may take.
   */
  constructor(what: string, seconds = defaultStepSeconds) {
    this.seconds = seconds
    this.#what = what
    this.#deadline = performance.now() + seconds * 1000
  }

  /** Throw when the step has run out of time; `where` says how far it got. */
  check(where: string): void {
    if (performance.now() <= this.#deadline) return
    throw new StepTimeoutError(`${this.#what} took longer than ${this.seconds} s (it had got to ${where}); set FOLIO_TIMEOUT (seconds) to allow more`)
  }
}
