/**
 * A book-length work for the benchmark, made from text the project ships
 * (the brief, the README and docs/) and nothing fetched: about the size of
 * every State of the Union address as one book (233 chapters, 1.8 million
 * words), the size at which a fixed time limit on one print failed.
 *
 * The prose comes from a word-level Markov chain over that text, with words
 * derived from it (new endings, compounds, names), so that no two chapters
 * are alike and a cache of hyphenated words or chapters is not trivially
 * hit. Each chapter has a title, sections and subsections, notes, and every
 * so often a table, a figure (a generated SVG chart) and a link to another
 * chapter. The same options give the same bytes.
 */
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {projectRoot} from '../build/project.ts'

export interface LongWorkOptions {
  /** Words of prose, at least (headings, notes and tables come on top). Default 1,600,000. */
  words?: number
  /** Chapters. Default 233. */
  chapters?: number
  /** Seed of the generator: another seed, another text of the same shape. */
  seed?: number
  /** Group the chapters into this many parts (0: none). */
  parts?: number
}

export interface LongWork {
  /** The work's folder (book.yaml, the chapters, images/). */
  folder: string
  /** Words in the chapters' Markdown, counted as the benchmark counts them (runs of non-space). */
  words: number
  chapters: number
}

/** Write the work into `folder` (emptied first) and say what it holds. */
export function writeLongWork(folder: string, options: LongWorkOptions = {}): LongWork {
  const targetWords = options.words ?? 1_600_000
  const chapterCount = options.chapters ?? 233
  const random = mulberry32(options.seed ?? 14)
  const chain = new MarkovChain(corpus(), random)
  rmSync(folder, {recursive: true, force: true})
  mkdirSync(path.join(folder, 'images'), {recursive: true})

  const perChapter = Math.ceil(targetWords / chapterCount)
  const names: string[] = []
  const slugs: string[] = []
  let words = 0
  for (let index = 0; index < chapterCount; index++) {
    const name = `chapter-${String(index + 1).padStart(3, '0')}.md`
    names.push(name)
    const title = chain.title(index + 1)
    slugs.push(title.slug)
    const lines: string[] = [`# ${title.text}`, '']
    const notes: string[] = []
    let written = 0
    // Chapters vary in length, from 0.6 to 1.4 times the mean, as a real book's do.
    const length = perChapter * (0.6 + 0.8 * random()) * (index === chapterCount - 1 ? 1.2 : 1)
    let section = 0
    while (written < length) {
      section++
      const heading = chain.heading()
      lines.push(`## ${heading}`, '')
      const subsections = 1 + Math.floor(random() * 3)
      for (let sub = 0; sub < subsections && written < length; sub++) {
        if (sub > 0) lines.push(`### ${chain.heading()}`, '')
        const paragraphs = 3 + Math.floor(random() * 6)
        for (let paragraph = 0; paragraph < paragraphs && written < length; paragraph++) {
          let text = chain.paragraph(2 + Math.floor(random() * 6))
          if (random() < 0.12) {
            const number = notes.length + 1
            text += `[^${number}]`
            notes.push(`[^${number}]: ${chain.paragraph(1 + Math.floor(random() * 2))}`)
          }
          // A link to another chapter now and then, as a book's cross-references are.
          if (random() < 0.02 && index > 0) {
            const other = Math.floor(random() * chapterCount)
            text += ` (See [chapter ${other + 1}](chapter-${String(other + 1).padStart(3, '0')}.md).)`
          }
          if (random() < 0.05) text = `> ${text}`
          lines.push(text, '')
          written += text.split(/\s+/).length
        }
      }
      if (section % 7 === 3 && random() < 0.5) lines.push(...chain.table(random), '')
      if (section % 9 === 5 && random() < 0.4) {
        const figure = `figure-${index + 1}-${section}.svg`
        writeFileSync(path.join(folder, 'images', figure), chart(random, chain.word()))
        lines.push(`![A bar chart of five made-up values](images/${figure} "${chain.sentence().replace(/["\\]/g, '')}")`, '')
      }
    }
    if (notes.length > 0) lines.push(...notes.flatMap((note) => [note, '']))
    const text = lines.join('\n')
    words += text.split(/\s+/).filter(Boolean).length
    writeFileSync(path.join(folder, name), text)
  }

  const partCount = options.parts ?? 0
  const list =
    partCount > 0
      ? Array.from({length: partCount}, (_, part) => {
          const from = Math.floor((part * chapterCount) / partCount)
          const to = Math.floor(((part + 1) * chapterCount) / partCount)
          return [`  - part: "Part ${roman(part + 1)}"`, '    chapters:', ...names.slice(from, to).map((name) => `      - ${name}`)].join('\n')
        })
      : names.map((name) => `  - ${name}`)
  writeFileSync(
    path.join(folder, 'book.yaml'),
    [
      'title: Addresses to the Nation',
      'subtitle: A long work made for the benchmark from the text Folio ships',
      'lang: en',
      'identifier: urn:uuid:6f1c1e52-3a4b-4d7e-9b2a-0d5c14000014',
      'author: Folio Benchmark',
      'date: 2026-01-01',
      'chapters:',
      ...list,
      ''
    ].join('\n')
  )
  return {folder, words, chapters: chapterCount}
}

/** Prose the project ships, without code, tables, front matter or Markdown syntax. */
function corpus(): string[] {
  const files = [
    path.join(projectRoot, 'manuscript', 'winning-the-peace-in-ukraine.md'),
    path.join(projectRoot, 'README.md'),
    ...readdirSync(path.join(projectRoot, 'docs'), {recursive: true, encoding: 'utf8'})
      .filter((name) => name.endsWith('.md') && !name.includes('benchmarks'))
      .sort()
      .map((name) => path.join(projectRoot, 'docs', name))
  ]
  const sentences: string[] = []
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
      .replace(/^---\n[\s\S]*?\n---\n/, '')
      .replace(/```[\s\S]*?```/g, '')
      .split('\n')
      .filter((line) => !/^\s*(\||#|<|:::|!\[|- \[|\d+\.\s*$)/.test(line))
      .join('\n')
      .replace(/`[^`]*`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[*_>]/g, '')
      .replace(/\(\s*\)/g, '')
      // Arrows (docs' “a -> b”) are in none of the shipped fonts: Chromium would take a host font.
      .replace(/\s*\u2192\s*/g, ' to ')
      .replace(/\s+([.,;:])/g, '$1')
    for (const paragraph of text.split(/\n\s*\n/)) {
      const flat = paragraph.replace(/^\s*[-*]\s+/gm, '').replace(/\s+/g, ' ').trim()
      if (flat.split(' ').length < 6) continue
      sentences.push(...flat.split(/(?<=[.!?])\s+(?=[A-Z“"‘(])/).filter((sentence) => sentence.split(' ').length >= 5))
    }
  }
  return sentences
}

/** Prose from an order-2 word chain, with made-up words mixed in. */
class MarkovChain {
  #next = new Map<string, string[]>()
  #starts: string[][] = []
  #vocabulary: string[]
  #derived: string[]
  #random: () => number

  constructor(sentences: string[], random: () => number) {
    this.#random = random
    for (const sentence of sentences) {
      const words = sentence.split(' ')
      this.#starts.push(words.slice(0, 2))
      for (let index = 0; index + 2 <= words.length; index++) {
        const key = `${words[index]} ${words[index + 1]}`
        const list = this.#next.get(key) ?? []
        list.push(words[index + 2] ?? '')
        this.#next.set(key, list)
      }
    }
    this.#vocabulary = [...new Set(sentences.flatMap((sentence) => sentence.split(' ')))]
      .map((word) => word.replace(/[^\p{L}-]/gu, ''))
      .filter((word) => word.length >= 4 && /^\p{Ll}/u.test(word))
      .sort()
    this.#derived = this.#derive(30_000)
  }

  /** Words that are not in the text but could be: roots with other endings, compounds, names. */
  #derive(count: number): string[] {
    const endings = ['ation', 'ment', 'ness', 'ity', 'ism', 'ist', 'ally', 'ive', 'ous', 'ing', 'ed', 'er', 'able', 'ship', 'hood', 'ward', 'ology']
    const syllables = ['ka', 'lo', 'vin', 'tor', 'mel', 'sa', 'dru', 'hen', 'bar', 'ri', 'os', 'gav', 'lin', 'zet', 'mor', 'an', 'pel', 'tu', 'vor', 'ek']
    const pick = <T>(list: T[]) => list[Math.floor(this.#random() * list.length)]!
    const words = new Set<string>()
    while (words.size < count) {
      const kind = this.#random()
      const root = pick(this.#vocabulary).replace(/(e|y|ed|ing|s)$/, '')
      if (kind < 0.55) words.add(root + pick(endings))
      else if (kind < 0.8) words.add(`${root}${pick(this.#vocabulary)}`.slice(0, 18))
      else words.add(capitalize(Array.from({length: 2 + Math.floor(this.#random() * 3)}, () => pick(syllables)).join('')))
    }
    return [...words]
  }

  word(): string {
    const list = this.#random() < 0.5 ? this.#vocabulary : this.#derived
    return list[Math.floor(this.#random() * list.length)]!
  }

  sentence(): string {
    const start = this.#starts[Math.floor(this.#random() * this.#starts.length)]!
    const words = [...start]
    while (words.length < 60) {
      const options = this.#next.get(`${words.at(-2)} ${words.at(-1)}`)
      const next = options?.[Math.floor(this.#random() * options.length)]
      if (!next) break
      // One word in twelve is swapped for another (one of them made up): a text no book repeats.
      words.push(this.#random() < 0.08 && /^\p{Ll}{4,}$/u.test(next) ? this.word() : next)
      if (/[.!?]["”’)]?$/.test(next) && words.length > 8) break
    }
    const text = words.join(' ').replace(/[,;:–—-]$/, '')
    return /[.!?]["”’)]?$/.test(text) ? text : `${text}.`
  }

  paragraph(sentences: number): string {
    return Array.from({length: sentences}, () => this.sentence()).join(' ')
  }

  heading(): string {
    const words = Array.from({length: 2 + Math.floor(this.#random() * 5)}, () => this.word())
    return capitalize(words.join(' '))
  }

  title(number: number): {text: string; slug: string} {
    const text = `${number}. ${this.heading()}`
    return {text, slug: text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-')}
  }

  table(random: () => number): string[] {
    const columns = 3 + Math.floor(random() * 2)
    const rows = 4 + Math.floor(random() * 6)
    const header = Array.from({length: columns}, (_, column) => (column === 0 ? capitalize(this.word()) : capitalize(this.word())))
    const body = Array.from({length: rows}, () =>
      Array.from({length: columns}, (_, column) => (column === 0 ? capitalize(this.word()) : (random() * 1000).toFixed(1)))
    )
    return [
      `| ${header.join(' | ')} |`,
      `|${header.map((_, column) => (column === 0 ? ':---' : '---:')).join('|')}|`,
      ...body.map((row) => `| ${row.join(' | ')} |`),
      '',
      `Table: ${this.sentence()}`
    ]
  }
}

/** A bar chart of five values: the figures of the book, drawn and not fetched. */
function chart(random: () => number, label: string): string {
  const bars = Array.from({length: 5}, (_, index) => {
    const height = Math.round(20 + random() * 160)
    return `  <rect x="${40 + index * 85}" y="${200 - height}" width="60" height="${height}" fill="#${['0a4a7f', '3d7ab8', '8fbcf2', '5a8f3d', 'c27c0e'][index]}"/>`
  })
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="240" viewBox="0 0 480 240" font-family="sans-serif" font-size="14">',
    `  <title>${label.replace(/[<&]/g, '')}</title>`,
    '  <rect x="0" y="0" width="480" height="240" fill="#ffffff"/>',
    '  <line x1="20" y1="200" x2="460" y2="200" stroke="#333" stroke-width="1.5"/>',
    ...bars,
    '</svg>',
    ''
  ].join('\n')
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function roman(number: number): string {
  const numerals: Array<[number, string]> = [[10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']]
  let result = ''
  for (const [value, numeral] of numerals) {
    while (number >= value) {
      result += numeral
      number -= value
    }
  }
  return result
}

/** A small seeded generator (public domain, Tommy Ettinger): the same seed, the same book. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296
  }
}

// `node --import tsx scripts/long-work.ts FOLDER [WORDS]` writes one.
// (Asked by the script's name: the tests run a bundle with this module in it, where the module has no place of its own.)
if (process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('scripts', 'long-work.ts'))) {
  const folder = path.resolve(process.argv[2] ?? 'long-work')
  const started = performance.now()
  const work = writeLongWork(folder, process.argv[3] ? {words: Number(process.argv[3])} : {})
  console.log(`${work.folder}: ${work.words.toLocaleString('en')} words, ${work.chapters} chapters in ${Math.round(performance.now() - started)} ms`)
}
