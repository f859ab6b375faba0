/**
 * Colour arithmetic for themes: contrast as WCAG 2.2 defines it
 * (https://www.w3.org/TR/WCAG22/#dfn-contrast-ratio), and a colour moved
 * towards black or white until it reaches a contrast, for the tokens a
 * theme leaves to be derived from its brand colour.
 */

/** `#rgb` or `#rrggbb` as [r, g, b], 0 to 255. */
export function rgbOf(hex: string): [number, number, number] {
  const digits = hex.replace('#', '')
  const full = digits.length === 3 ? [...digits].map((digit) => digit + digit).join('') : digits
  return [0, 2, 4].map((start) => Number.parseInt(full.slice(start, start + 2), 16)) as [number, number, number]
}

export function hexOf([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`
}

/** Relative luminance of an sRGB colour. */
export function luminance(rgb: [number, number, number]): number {
  const [r, g, b] = rgb.map((channel) => {
    const value = channel / 255
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** Contrast ratio of two colours, 1 to 21. */
export function contrast(a: string | [number, number, number], b: string | [number, number, number]): number {
  const [first, second] = [a, b].map((color) => luminance(typeof color === 'string' ? rgbOf(color) : color)) as [number, number]
  return (Math.max(first, second) + 0.05) / (Math.min(first, second) + 0.05)
}

/**
 * The colour mixed with black (on a light background) or white (on a dark
 * one), in steps of 2%, until it has at least `ratio` against the background;
 * the colour itself when it already has.
 */
export function withContrast(color: string, background: string, ratio: number): string {
  const towards = luminance(rgbOf(background)) > 0.18 ? 0 : 255
  const start = rgbOf(color)
  for (let step = 0; step <= 50; step++) {
    const mixed = start.map((channel) => channel + ((towards - channel) * step) / 50) as [number, number, number]
    if (contrast(mixed, background) >= ratio) return hexOf(mixed)
  }
  return towards === 0 ? '#000000' : '#ffffff'
}
