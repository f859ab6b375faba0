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
      const where = `${path.relative(cwd, file.path) || file.path}:${message.line ?? 1}:${message.column ?? 1}`
      const severity = message.fatal ? 'error' : 'warning'
      const styled = color ? styleText(message.fatal ? 'red' : 'yellow', severity) : severity
      lines.push(`${where}  ${styled}  ${message.reason}${message.ruleId ? `  ${message.ruleId}` : ''}`)
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
