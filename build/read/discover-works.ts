/**
 * Finds the works a build names. A work is one Markdown file (its folder is
 * the work's folder) or a folder of chapters. `manuscript/` itself holds
 * works: each `.md` file directly in it, and each sub-folder with chapters.
 */
import type {Dirent} from 'node:fs'
import {readdir, realpath, stat} from 'node:fs/promises'
import path from 'node:path'
import slugify from '@sindresorhus/slugify'
import {UsageError} from '../errors.ts'

export interface WorkSource {
  /** The work as the user names it: its path relative to the current folder. */
  name: string
  kind: 'file' | 'folder'
  /** Real path of the work's folder; nothing outside it is read. */
  root: string
  /** For a single-file work: the real path of its Markdown file. */
  file?: string
  /** File name stem of its editions. */
  slug: string
}

/** Extensions of Markdown chapter files. */
export const markdownExtensions = ['.md', '.markdown']

/** File names sort the way people number chapters: `chapter-2` before `chapter-10`. */
export const naturalOrder = new Intl.Collator('en', {numeric: true, sensitivity: 'base'}).compare

/** The folder that holds works when no work is named. */
export const manuscriptFolder = 'manuscript'

/**
 * @param requests Paths given on the command line (may be empty).
 * @param cwd Folder the paths are relative to.
 */
export async function findWorks(requests: string[], cwd: string): Promise<WorkSource[]> {
  const named = requests.length > 0 ? requests : [manuscriptFolder]
  const works: WorkSource[] = []
  for (const request of named) {
    const absolute = path.resolve(cwd, request)
    const info = await stat(absolute).catch(() => undefined)
    if (!info) {
      throw new UsageError(
        requests.length > 0
          ? `No such file or folder: ${request}`
          : `No ${manuscriptFolder}/ folder in ${cwd}: name a work (a Markdown file or a folder of chapters)`
      )
    }
    if (info.isFile()) {
      if (!isMarkdown(absolute)) throw new UsageError(`Not a Markdown file: ${request} (expected .md)`)
      works.push(await fileWork(absolute, cwd))
    } else if (!info.isDirectory()) {
      throw new UsageError(`${request} is ${info.isFIFO() ? 'a named pipe (FIFO)' : info.isSocket() ? 'a socket' : 'a device'}: name a Markdown file or a folder of chapters`)
    } else if (path.basename(absolute) === manuscriptFolder || !(await holdsChapters(absolute))) {
      // `manuscript/`, or any folder of works rather than of chapters.
      works.push(...(await worksIn(absolute, cwd)))
    } else {
      works.push(await folderWork(absolute, cwd))
    }
  }
  return unique(works)
}

async function worksIn(folder: string, cwd: string): Promise<WorkSource[]> {
  const entries = (await listFolder(folder))
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => naturalOrder(a.name, b.name))
  const works: WorkSource[] = []
  for (const entry of entries) {
    const absolute = path.join(folder, entry.name)
    if (entry.isFile() && isMarkdown(entry.name)) works.push(await fileWork(absolute, cwd))
    // A sub-folder without chapters (images shared by single-file works) is not a work.
    else if (entry.isDirectory() && (await holdsChapters(absolute))) works.push(await folderWork(absolute, cwd))
  }
  if (works.length === 0) {
    throw new UsageError(`No works in ${path.relative(cwd, folder) || '.'}: add a Markdown file or a folder of chapters`)
  }
  return works
}

async function fileWork(absolute: string, cwd: string): Promise<WorkSource> {
  const file = await realpath(absolute)
  return {
    name: path.relative(cwd, absolute),
    kind: 'file',
    root: path.dirname(file),
    file,
    slug: slugOf(stem(absolute))
  }
}

async function folderWork(absolute: string, cwd: string): Promise<WorkSource> {
  return {
    name: path.relative(cwd, absolute) || '.',
    kind: 'folder',
    root: await realpath(absolute),
    slug: slugOf(path.basename(absolute))
  }
}

async function holdsChapters(folder: string): Promise<boolean> {
  const names = (await listFolder(folder)).map((entry) => entry.name)
  // A theme's folder (docs/decisions/0010-themes.md) is never a work, whatever else it holds.
  if (names.includes('theme.yaml')) return false
  return names.some((name) => name === 'book.yaml' || (isMarkdown(name) && !name.startsWith('.')))
}

/** A folder's entries; one that cannot be read is a usage error that says why. */
async function listFolder(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, {withFileTypes: true})
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message
    throw new UsageError(`The folder ${folder} cannot be read: ${reason}`, {cause: error})
  }
}

export function isMarkdown(name: string): boolean {
  return markdownExtensions.includes(path.extname(name).toLowerCase())
}

function stem(file: string): string {
  return path.basename(file, path.extname(file))
}

/** Lower-case ASCII stem for file names that travel well (`Mein Buch` → `mein-buch`). */
export function slugOf(name: string): string {
  return slugify(name) || 'work'
}

function unique(works: WorkSource[]): WorkSource[] {
  const seen = new Map<string, WorkSource>()
  const result: WorkSource[] = []
  for (const work of works) {
    const key = work.file ?? work.root
    const earlier = seen.get(work.slug)
    if (earlier && (earlier.file ?? earlier.root) === key) continue
    if (earlier) {
      throw new UsageError(`${earlier.name} and ${work.name} would both be written as ${work.slug}.*: rename one`)
    }
    seen.set(work.slug, work)
    result.push(work)
  }
  return result
}
