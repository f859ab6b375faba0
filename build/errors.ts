/**
 * Program errors: named classes that keep their cause. Problems in a
 * manuscript are not errors of this kind; they are vfile messages with
 * positions (see `read/` and `transform/`).
 */

/** Base class: every error Folio throws on purpose. */
export class FolioError extends Error {
  override name = 'FolioError'
  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options)
  }
}

/** The command line was used wrongly (exit code 2). */
export class UsageError extends FolioError {
  override name = 'UsageError'
}

/** A template, stylesheet or font that ships with Folio is missing or broken. */
export class TemplateError extends FolioError {
  override name = 'TemplateError'
}

/** An edition could not be written to the output folder. */
export class OutputError extends FolioError {
  override name = 'OutputError'
}

/** An edition failed a check it must pass before it is written (an EPUB that is not valid, say). */
export class EditionError extends FolioError {
  override name = 'EditionError'
}

/**
 * Work stopped because it went stale (in watch mode, a newer save of the
 * same work is being built): nothing it made is written.
 */
export class CancelledError extends FolioError {
  override name = 'CancelledError'
}
