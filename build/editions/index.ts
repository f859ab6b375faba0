/**
 * Every edition Folio can build, in the order they are built. A new edition
 * is one module exporting an `Edition`, added here.
 */
import type {Edition} from './edition.ts'
import {htmlEdition} from './html.ts'

export const editions: Edition[] = [htmlEdition]

export const formats = editions.map((edition) => edition.format)
