/**
 * Every file of a theme is read here and nowhere else: theme.yaml, its
 * fonts, logo, stylesheets and templates. The rule is the work folder's
 * (./work-folder.ts): a file must lie inside the theme's folder after every
 * `..` and symbolic link is resolved, and be a regular file; and each kind
 * of file has a size above which it is refused unread.
 */
import {readInsideWork, refusal} from './work-folder.ts'

/** The largest file of each kind a theme may have. */
export const themeFileLimits = {
  yaml: 256 * 1024,
  stylesheet: 1024 * 1024,
  template: 1024 * 1024,
  image: 5 * 1024 * 1024,
  font: 20 * 1024 * 1024
} as const

export type ThemeFileKind = keyof typeof themeFileLimits

export type ThemeFile =
  | {ok: true; bytes: Uint8Array; absolute: string; relative: string}
  | {ok: false; reason: string}

/**
 * @param folder Real path of the theme's folder.
 * @param reference A path inside it, as theme.yaml writes it (POSIX separators).
 * @param kind What the file is, for its size limit.
 */
export async function readThemeFile(folder: string, reference: string, kind: ThemeFileKind): Promise<ThemeFile> {
  const limit = themeFileLimits[kind]
  const found = await readInsideWork(folder, folder, reference, limit)
  if (!found.ok) {
    if (found.reason === 'outside') return {ok: false, reason: `\`${reference}\` is outside the theme's folder: a theme's files must be inside it`}
    if (found.reason === 'missing') return {ok: false, reason: `\`${reference}\` not found in the theme's folder`}
    if (found.reason === 'too-large') return {ok: false, reason: `\`${reference}\` is too large for a theme's ${kind} file: ${found.detail ?? ''}`}
    return {ok: false, reason: `\`${reference}\` ${refusal(found)}`}
  }
  return {ok: true, bytes: found.bytes, absolute: found.absolute, relative: found.relative}
}
