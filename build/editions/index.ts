/**
 * Every edition Folio can build, in the order they are built. A new edition
 * is one module exporting an `Edition`, added here.
 */
import type {Edition} from './edition.ts'
import {epubEdition} from './epub/index.ts'
import {htmlEdition} from './html.ts'
import {pdfEdition, pdfPrintEdition} from './pdf/index.ts'

/** Built unless `--format` says otherwise. */
export const editions: Edition[] = [htmlEdition, pdfEdition, epubEdition]

/** Built only when asked for by name. */
export const optionalEditions: Edition[] = [pdfPrintEdition]

export const formats = [...editions, ...optionalEditions].map((edition) => edition.format)
