/**
 * Editions are written atomically: to a temporary file beside the target,
 * then renamed over it. A build that fails or is killed leaves the earlier
 * edition in place, never half of a new one. An edition whose bytes did not
 * change is not written again (its time stays what it was). A temporary file
 * that a build killed mid-write left behind is removed by the next build.
 */
import {mkdir, readdir, readFile, rm, stat} from 'node:fs/promises'
import path from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import {OutputError} from '../errors.ts'

/** A temporary file left for this long was left by a build that died (a live one renames in seconds). */
const abandoned = 10 * 60 * 1000

/** Returns whether the file was written (false: it already held these bytes). */
export async function writeEdition(target: string, bytes: Uint8Array): Promise<boolean> {
  await removeAbandoned(target)
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

/** write-file-atomic names its temporary file `<target>.<number>`. */
async function removeAbandoned(target: string): Promise<void> {
  const folder = path.dirname(target)
  const prefix = `${path.basename(target)}.`
  const names = await readdir(folder).catch(() => [] as string[])
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue
    const file = path.join(folder, name)
    const info = await stat(file).catch(() => undefined)
    if (info && Date.now() - info.mtimeMs > abandoned) await rm(file, {force: true})
  }
}
