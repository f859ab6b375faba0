/**
 * The font families Folio ships (npm @fontsource packages: TrueType-outline
 * WOFF2 files, one per weight, style and script subset; SIL Open Font
 * License). A theme may name any of them for a role; the editions find
 * their files (build/editions/typefaces.ts).
 */
export interface ShippedFamily {
  family: string
  /** The @fontsource package id. */
  id: string
  italic: boolean
  bold: boolean
}

export const shippedFamilies: ShippedFamily[] = [
  {family: 'Source Serif 4', id: 'source-serif-4', italic: true, bold: true},
  {family: 'Source Sans 3', id: 'source-sans-3', italic: true, bold: true},
  {family: 'Source Code Pro', id: 'source-code-pro', italic: false, bold: false},
  {family: 'Noto Naskh Arabic', id: 'noto-naskh-arabic', italic: false, bold: true},
  {family: 'Noto Sans Arabic', id: 'noto-sans-arabic', italic: false, bold: true},
  {family: 'Noto Emoji', id: 'noto-emoji', italic: false, bold: false}
]

/** A shipped family by its name, as CSS writes it (case does not matter). */
export function shippedFamily(name: string): ShippedFamily | undefined {
  return shippedFamilies.find((family) => family.family.toLowerCase() === name.trim().toLowerCase())
}
