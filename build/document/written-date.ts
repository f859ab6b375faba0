/**
 * A publication date written out for readers in the work's language, by
 * Intl.DateTimeFormat: "March 2023" (en), "1 March 2023" (en-GB),
 * "1 березня 2023 р." (uk). Whether the day is shown is the language's
 * house style (`date` in templates/strings/<lang>.json); a date written
 * without a day or month (`2023-03`, `2023`) is never given one. The date
 * is the calendar day as the manuscript writes it, whatever its time zone.
 */

/**
 * @param written The manuscript's ISO 8601 date (`2023`, `2023-03`, `2023-03-01T10:00+02:00`).
 * @param lang BCP 47 tag of the work.
 * @param style `day` or `month`: the language's house style.
 * @returns The date for readers, or undefined when `written` is not a date.
 */
export function writtenDate(written: string, lang: string, style: 'day' | 'month'): string | undefined {
  const [, year, month, day] = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(written) ?? []
  if (!year) return undefined
  const date = new Date(Date.UTC(Number(year), Number(month ?? 1) - 1, Number(day ?? 1)))
  const options: Intl.DateTimeFormatOptions = {timeZone: 'UTC', year: 'numeric'}
  if (month) options.month = 'long'
  if (month && day && style === 'day') options.day = 'numeric'
  return new Intl.DateTimeFormat(lang, options).format(date)
}

/** The calendar date of an ISO 8601 date, for `<time datetime>`: `2023-03-01`, `2023-03` or `2023`. */
export function machineDate(written: string): string | undefined {
  return /^\d{4}(-\d{2}(-\d{2})?)?/.exec(written)?.[0]
}
