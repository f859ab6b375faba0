/** Errors of the shared browser. */
import {FolioError} from '../errors.ts'

/** No Chromium or Chrome to launch. */
export class BrowserNotFoundError extends FolioError {
  override name = 'BrowserNotFoundError'
}

/** The browser did not start, or a job in it failed. */
export class BrowserError extends FolioError {
  override name = 'BrowserError'
}

/** A step in the browser ran past its time limit. */
export class BrowserTimeoutError extends BrowserError {
  override name = 'BrowserTimeoutError'
}
