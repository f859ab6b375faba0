/** Declarations for font packages that ship no types of their own. */
declare module 'subset-font' {
  interface SubsetOptions {
    targetFormat?: 'sfnt' | 'truetype' | 'woff' | 'woff2'
    variationAxes?: Record<string, number | {min?: number; max?: number; default?: number}>
    keepAllGlyphs?: boolean
    noLayoutClosure?: boolean
    preserveNameIds?: number[]
  }
  export default function subsetFont(font: Uint8Array, text: string | null | undefined, options?: SubsetOptions): Promise<Buffer>
}

declare module 'fontverter' {
  export function detectFormat(font: Uint8Array): 'sfnt' | 'woff' | 'woff2'
  export function convert(font: Uint8Array, to: 'sfnt' | 'truetype' | 'woff' | 'woff2', from?: string): Promise<Buffer>
}
