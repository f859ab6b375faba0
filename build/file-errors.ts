/**
 * What a failed read or write of a file means, in words: the error's code
 * named (a full disk, a loop of links) rather than Node's message.
 */
const reasons: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a folder stands in its place',
  ENOTDIR: 'a file stands where a folder should be',
  ELOOP: 'its symbolic links go round in a loop',
  EIO: 'the disk reported an input/output error',
  ENAMETOOLONG: 'its name is too long'
}

export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  return (code && reasons[code]) ?? (error as Error).message
}
