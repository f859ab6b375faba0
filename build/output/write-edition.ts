/**
 * Editions are written atomically: to a temporary file beside the target,
 * then renamed over it. A build that fails or is killed leaves the earlier
 * edition in place, never half of a new one.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import {OutputError} from '../errors.ts'

export async function writeEdition(folder: string, fileName: string, bytes: Uint8Array): Promise<string> {
  const target = path.join(folder, fileName)
  try {
    await mkdir(folder, {recursive: true})
    await writeFileAtomic(target, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (error) {
    throw new OutputError(`Cannot write ${target}: ${(error as Error).message}`, {cause: error})
  }
  return target
}
