/**
 * Prints manuscript messages the way linters do, one per line, so that
 * editors and terminals can jump to them:
 *
 *     manuscript/brief.md:14:3  warning  Image not found: map.png  url-policy-image
 */
import path from 'node:path'
import {styleText} from 'node:util'
import type {VFile} from 'vfile'
import type {VFileMessage} from 'vfile-message'

/**
 * Characters that would act on a terminal or forge a line of the log rather
 * than show: C0 and C1 controls, DEL, the line and paragraph separators, and
 * the bidirectional overrides and isolates that reorder what is shown.
 */
const unprintable = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g

/** The SGR sequences `styleText` writes: colour and nothing else. */
const colour = /\u001B\[\d{1,3}(?:;\d{1,3})*m/g

/**
 * Text as it may be printed: every character in `unprintable` written as an
 * escape (`\n`, `\t`, `\x1B`, `\u202E`), so that a file name or a manuscript's
 * text shows as what it is and a message stays one line.
 *
 * @param keepColour Keep colour sequences (a terminal that shows Folio's colours).
 */
export function printable(text: string, keepColour = false): string {
  const escape = (part: string) =>
    part.replace(unprintable, (character) => {
      const named = ({'\n': '\\n', '\r': '\\r', '\t': '\\t'} as Record<string, string>)[character]
      if (named) return named
      const code = character.charCodeAt(0)
      return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase()}`
    })
  if (!keepColour) return escape(text)
  let shown = ''
  let from = 0
  for (const match of text.matchAll(colour)) {
    shown += escape(text.slice(from, match.index)) + match[0]
    from = match.index + match[0].length
  }
  return shown + escape(text.slice(from))
}

export interface Tally {
  errors: number
  warnings: number
}

/**
 * Format the messages of `files` that were not printed before.
 *
 * @param printed Messages already printed; updated.
 * @param color Whether to colour severities (a terminal).
 */
export function formatMessages(files: VFile[], printed: Set<VFileMessage>, cwd: string, color: boolean): string[] {
  const lines: string[] = []
  for (const file of files) {
    const fresh = file.messages.filter((message) => !printed.has(message))
    fresh.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
    for (const message of fresh) {
      printed.add(message)
      const where = `${printable(path.relative(cwd, file.path) || file.path)}:${message.line ?? 1}:${message.column ?? 1}`
      const severity = message.fatal ? 'error' : 'warning'
      const styled = color ? styleText(message.fatal ? 'red' : 'yellow', severity) : severity
      lines.push(`${where}  ${styled}  ${printable(message.reason)}${message.ruleId ? `  ${printable(message.ruleId)}` : ''}`)
    }
  }
  return lines
}

export function tally(files: VFile[]): Tally {
  let errors = 0
  let warnings = 0
  for (const file of files) {
    for (const message of file.messages) {
      if (message.fatal) errors++
      else warnings++
    }
  }
  return {errors, warnings}
}

/** `1 error, 2 warnings` */
export function describeTally({errors, warnings}: Tally): string {
  const part = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`
  return [errors > 0 ? part(errors, 'error') : '', warnings > 0 ? part(warnings, 'warning') : ''].filter(Boolean).join(', ')
}

/** `54.2 kB` */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1_000_000).toFixed(2)} MB`
}
