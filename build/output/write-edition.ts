/**
 * Editions are written atomically: to a temporary file beside the target,
 * then renamed over it. A build that fails or is killed leaves the earlier
 * edition in place, never half of a new one. An edition whose bytes did not
 * change is not written again (its time stays what it was).
 */
import {mkdir, readFile} from 'node:fs/promises'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import {OutputError} from '../errors.ts'

/** Returns whether the file was written (false: it already held these bytes). */
export async function writeEdition(target: string, bytes: Uint8Array): Promise<boolean> {
  const existing = await readFile(target).catch(() => undefined)
  if (existing && Buffer.compare(existing, bytes) === 0) return false
  try {
    await mkdir(path.dirname(target), {recursive: true})
    await writeFileAtomic(target, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (error) {
    throw new OutputError(`Cannot write ${target}: ${(error as Error).message}`, {cause: error})
  }
  return true
}
