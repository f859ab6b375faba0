/**
 * Manuscript problems are vfile messages: they carry file, line and column.
 * A warning leaves the build going; an error (`fatal`) stops the work's
 * editions from being written.
 */
import type {Node, Point, Position} from 'unist'
import type {VFile} from 'vfile'
import type {VFileMessage} from 'vfile-message'

export type Place = Node | Position | Point | undefined

/** Every message Folio raises has this source, so reports can group them. */
export const source = 'folio'

/** Report a warning at `place`. */
export function warn(file: VFile, reason: string, place: Place, ruleId: string): VFileMessage {
  return file.message(reason, {place: toPlace(place), ruleId, source})
}

/** Report an error at `place` without throwing: every problem gets listed. */
export function fail(file: VFile, reason: string, place: Place, ruleId: string): VFileMessage {
  const message = warn(file, reason, place, ruleId)
  message.fatal = true
  return message
}

/** True when any file has an error. */
export function hasErrors(files: VFile[]): boolean {
  return files.some((file) => file.messages.some((message) => message.fatal === true))
}

function toPlace(place: Place): Position | Point | undefined {
  if (place === undefined) return undefined
  if ('type' in place) return (place as Node).position
  return place as Position | Point
}
