import {main} from '/work/research/citations/build/cli/main.ts'
const lines: string[] = []
const code = await main(process.argv.slice(2), {out: (l) => lines.push(l), err: (l) => lines.push(l), color: false})
console.log(lines.join('\n'))
console.log('exit', code)
process.exit(code)
