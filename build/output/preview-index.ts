/**
 * The index page of the `folio watch` preview: every work being watched, with
 * its title, its editions (links, sizes, pages), its warnings and errors and
 * when it was last built. One self-contained page (its style and script
 * inline, nothing fetched), light or dark as the reader's system is, and
 * readable on a phone as on a desktop.
 */
import {formatSize} from './report.ts'

export interface PreviewEdition {
  format: string
  /** Absolute path of the edition. */
  file: string
  bytes: number
  /** Pages, for a paged edition. */
  pages?: number
}

export interface PreviewWork {
  slug: string
  title: string
  /** The work as the user names it (its path relative to where `folio watch` runs). */
  name: string
  /** The editions that exist: those of the last good build. */
  editions: PreviewEdition[]
  /** Messages of the last build when it failed; empty when it succeeded. */
  problems: string[]
  /** Errors and warnings of the last build. */
  errors: number
  warnings: number
  /** Words of the text, when the last good build gave them. */
  words?: number
  /** When the editions shown were built; undefined when no build of this session succeeded. */
  builtAt?: Date
  /** When the last build failed; undefined when it succeeded. */
  failedAt?: Date
}

const escape = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

const plural = (count: number, word: string) => `${count.toLocaleString('en')} ${word}${count === 1 ? '' : 's'}`

/** `19:42:07, 1 Dec 2026`, in the time zone of the machine that watches (the reader's). */
function shownTime(time: Date): string {
  const clock = time.toLocaleTimeString('en-GB', {hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false})
  const day = time.toLocaleDateString('en-GB', {day: 'numeric', month: 'short', year: 'numeric'})
  return `${clock}, ${day}`
}

const style = `
:root { color-scheme: light dark; --ink: #1c1d21; --muted: #5b5f6b; --page: #f4f4f1; --card: #ffffff; --rule: #d9d9d3;
  --link: #0b57a4; --ok: #1d6b36; --warn: #8a5300; --bad: #a4161a; --bad-bg: #fbeaea; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e8e8e3; --muted: #a4a7b0; --page: #16171a; --card: #202227; --rule: #3a3d44;
    --link: #8cc2ff; --ok: #7fd39a; --warn: #f0bf6a; --bad: #ff9b9b; --bad-bg: #3a1d1f; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
header { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: .25rem 1rem;
  border-bottom: 1px solid var(--rule); padding-bottom: .75rem; margin-bottom: 1.25rem; }
h1 { font-size: 1.5rem; margin: 0; letter-spacing: -.01em; }
header p { margin: 0; color: var(--muted); font-size: .9rem; }
.works { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; align-items: start; }
@media (min-width: 52rem) { .works { grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); } }
.work { background: var(--card); border: 1px solid var(--rule); border-radius: .5rem; padding: 1rem 1.1rem; min-width: 0; }
.work.failed { border-color: var(--bad); }
h2 { font-size: 1.15rem; line-height: 1.3; margin: 0 0 .2rem; overflow-wrap: anywhere; }
.source { margin: 0; color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
.facts { display: flex; flex-wrap: wrap; gap: .25rem .9rem; margin: .6rem 0 .75rem; padding: 0; list-style: none; font-size: .9rem; }
.facts .ok { color: var(--ok); } .facts .warn { color: var(--warn); } .facts .bad { color: var(--bad); font-weight: 600; }
table { width: 100%; border-collapse: collapse; font-size: .95rem; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .4rem .5rem .4rem 0; border-top: 1px solid var(--rule); vertical-align: baseline; }
th { color: var(--muted); font-weight: 500; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; border-top: 0; }
td.number, th.number { text-align: right; padding: .4rem 0 .4rem .9rem; white-space: nowrap; }
a { color: var(--link); font-weight: 600; text-decoration-thickness: 1px; text-underline-offset: .15em; }
a:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
.file { display: block; color: var(--muted); font-size: .8rem; font-weight: 400; overflow-wrap: anywhere; }
.none { color: var(--muted); margin: .5rem 0 0; }
details { margin-top: .75rem; background: var(--bad-bg); border-radius: .35rem; padding: .5rem .75rem; }
summary { cursor: pointer; color: var(--bad); font-weight: 600; }
details pre { margin: .5rem 0 0; white-space: pre-wrap; overflow-wrap: anywhere; font: .8rem/1.45 ui-monospace, "DejaVu Sans Mono", monospace; }
.empty { color: var(--muted); }
`

/** Reload the index when a work is built, fails or is removed. */
const script = (events: string) =>
  `<script>(() => { const source = new EventSource('${events}'); for (const name of ['rebuilt', 'failed', 'removed']) source.addEventListener(name, () => location.reload()) })()</script>`

function workItem(work: PreviewWork): string {
  const failed = work.problems.length > 0
  const facts: string[] = []
  if (work.builtAt) facts.push(`<li>Built <time datetime="${work.builtAt.toISOString()}">${shownTime(work.builtAt)}</time></li>`)
  if (failed && work.failedAt) facts.push(`<li class="bad">Build failed <time datetime="${work.failedAt.toISOString()}">${shownTime(work.failedAt)}</time></li>`)
  facts.push(
    work.errors > 0 ? `<li class="bad">${plural(work.errors, 'error')}</li>` : '',
    work.warnings > 0 ? `<li class="warn">${plural(work.warnings, 'warning')}</li>` : '',
    work.errors === 0 && work.warnings === 0 ? '<li class="ok">No warnings</li>' : ''
  )
  if (work.words !== undefined) facts.push(`<li>${plural(work.words, 'word')}</li>`)
  const rows = work.editions.map((edition) => {
    const file = edition.file.split(/[/\\]/).pop()!
    const pages = edition.pages === undefined ? '<span aria-label="not paged">–</span>' : plural(edition.pages, 'page')
    return `<tr><td><a href="/${encodeURIComponent(file)}">${escape(edition.format.toUpperCase())}</a> <span class="file">${escape(file)}</span></td><td class="number">${formatSize(edition.bytes)}</td><td class="number">${pages}</td></tr>`
  })
  const editions =
    rows.length > 0
      ? `<table><thead><tr><th scope="col">Edition</th><th scope="col" class="number">Size</th><th scope="col" class="number">Pages</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
      : '<p class="none">No editions yet: the first good build writes them.</p>'
  const problems = failed
    ? `<details${work.editions.length === 0 ? ' open' : ''}><summary>${work.editions.length > 0 ? 'Build failed; these are the last good editions' : 'Build failed'}</summary><pre>${escape(work.problems.join('\n'))}</pre></details>`
    : ''
  return `<li class="work${failed ? ' failed' : ''}" id="work-${escape(work.slug)}"><h2>${escape(work.title)}</h2>${work.title === work.name ? '' : `<p class="source">${escape(work.name)}</p>`}<ul class="facts">${facts.join('')}</ul>${editions}${problems}</li>`
}

/** The index page of the preview. @param events Where the page listens for rebuilds. */
export function previewIndex(works: PreviewWork[], events: string): string {
  const list =
    works.length > 0
      ? `<ul class="works">${works.map(workItem).join('')}</ul>`
      : '<p class="empty">No works are being watched now.</p>'
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Folio preview</title><style>${style}</style></head><body><main><header><h1>Folio preview</h1><p>${plural(works.length, 'work')} · updated after every save</p></header>${list}</main>${script(events)}</body></html>`
}
