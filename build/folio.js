#!/usr/bin/env node
// The `folio` command. Folio is written in TypeScript and run through tsx,
// so there is no compile step between editing the source and running it.
import {register} from 'tsx/esm/api'

register()
const {main} = await import('./cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
