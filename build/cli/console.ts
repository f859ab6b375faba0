/** Where a command prints: its output, its messages, and whether it may colour them. */
export interface Console {
  out: (line: string) => void
  err: (line: string) => void
  color: boolean
}
