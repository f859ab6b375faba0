/**
 * Reads one source file into a vfile: decodes the bytes (UTF-8 with or
 * without BOM, UTF-16 with BOM) and normalises line ends to LF, so that
 * every later step sees the same text and the same line numbers.
 */
import {VFile} from 'vfile'
import {fail} from '../messages.ts'

/**
 * @param absolute Path of the file.
 * @param bytes Its bytes, as `readInsideWork` (./work-folder.ts) read them.
 * @returns The file; when it cannot be decoded, an empty file with an error.
 */
export function sourceFile(absolute: string, bytes: Uint8Array): VFile {
  const file = new VFile({path: absolute})
  const text = decode(bytes, file)
  file.value = text === undefined ? '' : text.replace(/\r\n?/g, '\n')
  return file
}

function decode(bytes: Uint8Array, file: VFile): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes)
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes)
  if (bytes.includes(0)) {
    fail(file, 'This is not a text file (it contains NUL bytes); a manuscript file must be UTF-8 text', undefined, 'binary-file')
    return undefined
  }
  try {
    // `ignoreBOM: false` (the default) strips a UTF-8 byte order mark.
    return new TextDecoder('utf-8', {fatal: true}).decode(bytes)
  } catch {
    fail(
      file,
      'This file is not valid UTF-8 (it may be Latin-1 or Windows-1252); save it as UTF-8',
      firstInvalidByte(bytes),
      'encoding'
    )
    return undefined
  }
}

/** Line and column of the first byte that is not valid UTF-8. */
function firstInvalidByte(bytes: Uint8Array): {line: number; column: number} {
  let lineStart = 0
  let line = 1
  for (let index = 0; index <= bytes.length; index++) {
    if (index === bytes.length || bytes[index] === 0x0a) {
      const text = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, index))
      const bad = text.indexOf('\uFFFD')
      if (bad !== -1) return {line, column: bad + 1}
      line++
      lineStart = index + 1
    }
  }
  return {line: 1, column: 1}
}
