/** Where the shared templates, stylesheets and strings live. */
import {fileURLToPath} from 'node:url'

export const templatesFolder = fileURLToPath(new URL('../templates/', import.meta.url))
