/**
 * What a process and everything it started are doing, read from Linux's
 * /proc: CPU time used so far and memory held now. Chromium is a tree of
 * processes (the browser, a renderer per site, the print compositor, a GPU
 * process even when headless); a print's progress shows as CPU time in one
 * of them and its memory is their sum. Elsewhere than Linux nothing can be
 * read, and `sampleProcessTree` says so by returning undefined.
 */
import {readdirSync, readFileSync} from 'node:fs'

export interface ProcessSample {
  pid: number
  /** The process's kind, from Chromium's `--type=` (renderer, utility, gpu-process, zygote), else its command name. */
  kind: string
  /** User and system CPU time so far, milliseconds. */
  cpuMilliseconds: number
  /** Resident memory now, bytes. */
  rssBytes: number
  /** Proportional set size now, bytes (shared pages divided among their processes); 0 unless asked for. */
  pssBytes: number
}

export interface TreeSample {
  /** When the sample was taken (performance.now()). */
  at: number
  processes: ProcessSample[]
  /** CPU time of the processes now in the tree and of those the root has reaped (a closed browser's). */
  cpuMilliseconds: number
  rssBytes: number
  pssBytes: number
}

/** Clock ticks per second of /proc's CPU times: 100 on every Linux Node runs on (USER_HZ). */
const ticksPerSecond = 100

interface Stat {
  pid: number
  ppid: number
  command: string
  cpuTicks: number
  /** CPU time of the children it has waited for (they no longer show in /proc). */
  reapedTicks: number
}

function readStat(pid: string): Stat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1')
  } catch {
    return undefined
  }
  // The command is in parentheses and may itself hold spaces or parentheses: the fields follow the last `)`.
  const close = text.lastIndexOf(')')
  const fields = text.slice(close + 2).split(' ')
  return {
    pid: Number(pid),
    command: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(fields[1]),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    reapedTicks: Number(fields[13]) + Number(fields[14])
  }
}

function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

function kindOf(pid: number, command: string): string {
  try {
    // Chromium rewrites its children's command lines into one string, arguments joined by spaces.
    const line = readFileSync(`/proc/${pid}/cmdline`, 'latin1')
    const type = /--type=([^\s\0]+)/.exec(line)?.[1]
    const subType = /--utility-sub-type=([^\s\0]+)/.exec(line)?.[1]
    return subType ? `${type}:${subType.replace(/\.mojom\./, '.')}` : (type ?? command)
  } catch {
    return command
  }
}

/**
 * Proportional memory: each page shared by n processes counts 1/n in each,
 * so that the sum over Chromium's processes (which share their code and
 * fonts) is what they hold together. Slower to read than the resident size.
 */
function pssOf(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'))
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** `root` and every process below it, or undefined where /proc cannot be read. */
export function sampleProcessTree(root: number, options: {pss?: boolean} = {}): TreeSample | undefined {
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return undefined
  }
  const stats = names.filter((name) => /^\d+$/.test(name)).map(readStat).filter((stat): stat is Stat => stat !== undefined)
  const children = new Map<number, Stat[]>()
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat])
  const self = stats.find((stat) => stat.pid === root)
  if (!self) return undefined
  const tree: Stat[] = []
  const walk = (stat: Stat) => {
    tree.push(stat)
    for (const child of children.get(stat.pid) ?? []) walk(child)
  }
  walk(self)
  const processes = tree.map((stat) => ({
    pid: stat.pid,
    kind: kindOf(stat.pid, stat.command),
    cpuMilliseconds: (stat.cpuTicks * 1000) / ticksPerSecond,
    rssBytes: rssOf(stat.pid),
    pssBytes: options.pss ? pssOf(stat.pid) : 0
  }))
  return {
    at: performance.now(),
    processes,
    cpuMilliseconds: processes.reduce((sum, item) => sum + item.cpuMilliseconds, 0) + (self.reapedTicks * 1000) / ticksPerSecond,
    rssBytes: processes.reduce((sum, item) => sum + item.rssBytes, 0),
    pssBytes: processes.reduce((sum, item) => sum + item.pssBytes, 0)
  }
}

/**
 * Sample a process tree every `interval` ms until stopped; the peak of the
 * summed memory, and every sample when asked to keep them.
 */
export function watchProcessTree(root: number, options: {interval?: number; keep?: boolean; pss?: boolean; pssEvery?: number} = {}) {
  const samples: TreeSample[] = []
  let peakRss = 0
  let peakPss = 0
  let last: TreeSample | undefined
  let count = 0
  // CPU per process: first and last seen. A process that ends (a closed browser) keeps what it used.
  const firstCpu = new Map<number, number>()
  const lastCpu = new Map<number, number>()
  let started = false
  const take = () => {
    // Proportional sizes cost more to read (the kernel walks every mapping): every `pssEvery` samples.
    const pss = options.pss === true && count++ % (options.pssEvery ?? 1) === 0
    const sample = sampleProcessTree(root, {pss})
    if (!sample) return
    for (const item of sample.processes) {
      if (!firstCpu.has(item.pid)) firstCpu.set(item.pid, started ? 0 : item.cpuMilliseconds)
      lastCpu.set(item.pid, item.cpuMilliseconds)
    }
    started = true
    last = sample
    peakRss = Math.max(peakRss, sample.rssBytes)
    peakPss = Math.max(peakPss, sample.pssBytes)
    if (options.keep) samples.push(sample)
  }
  take()
  const timer = setInterval(take, options.interval ?? 200)
  timer.unref()
  return {
    samples,
    get last() {
      return last
    },
    /** CPU time used since the watch began, by every process seen (to the last sample of those that ended). */
    get cpuMilliseconds() {
      let sum = 0
      for (const [pid, value] of lastCpu) sum += value - firstCpu.get(pid)!
      return sum
    },
    get peakRss() {
      return peakRss
    },
    /** Zero unless `pss` was asked for. */
    get peakPss() {
      return peakPss
    },
    stop(): number {
      clearInterval(timer)
      take()
      return peakRss
    }
  }
}
