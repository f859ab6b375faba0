/** Folio's version, from package.json (shown by `--version` and in each edition's generator field). */
import {createRequire} from 'node:module'

export const version = (createRequire(import.meta.url)('../package.json') as {version: string}).version
