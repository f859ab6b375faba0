import assert from 'node:assert/strict'
import {test} from 'node:test'
import {VFile} from 'vfile'
import {bookSchema, workSchema} from '../build/read/front-matter-schema.ts'
import {readFields} from '../build/read/front-matter.ts'

/** Read `yaml` as front matter that starts on line 2 of a file, as it does after `---`. */
function read(yaml: string, schema: typeof workSchema | typeof bookSchema = workSchema) {
  const file = new VFile({path: 'work.md'})
  const {fields} = readFields(yaml, file, {line: 2, column: 1}, schema)
  const messages = file.messages.map((message) => `${message.line}:${message.column} ${message.fatal ? 'error' : 'warning'} ${message.reason}`)
  return {fields, messages}
}

test('valid fields are read, lists and single values alike', () => {
  const {fields, messages} = read('title: A Title\nsubject: One\nauthor:\n  - A\n  - B\nlang: en-gb\n')
  assert.deepEqual(messages, [])
  assert.equal(fields?.title, 'A Title')
  assert.equal(fields?.subject, 'One')
  assert.deepEqual(fields?.author, ['A', 'B'])
  assert.equal(fields?.lang, 'en-gb')
})

test('scalars are text: a numeric title stays as written', () => {
  assert.equal(read('title: 1984\n').fields?.title, '1984')
  assert.equal(read('title: 1.50\n').fields?.title, '1.50')
})

test('a missing title is an error at the front matter', () => {
  const {fields, messages} = read('subtitle: Only\n')
  assert.equal(fields, undefined)
  assert.deepEqual(messages, ['2:1 error Front matter has no `title`: add `title: …`'])
})

test('an empty title is an error', () => {
  assert.match(read('title: "  "\n').messages[0]!, /^2:8 error Front-matter field `title` is empty/)
})

test('wrong types are errors at the value', () => {
  assert.deepEqual(read('title: T\ndescription:\n  nested: map\n').messages, [
    '4:3 error Front-matter field `description` must be text, not a list or a map'
  ])
})

test('unknown keys are warnings, with a suggestion when one is close', () => {
  const {fields, messages} = read('title: T\nTitle: again\nkeywords: [a]\nfoo: bar\n')
  assert.equal(fields?.title, 'T')
  assert.deepEqual(messages, [
    '3:1 warning Unknown front-matter field `Title` is ignored (did you mean `title`?)',
    '4:1 warning Unknown front-matter field `keywords` is ignored (did you mean `subject`?)',
    '5:1 warning Unknown front-matter field `foo` is ignored'
  ])
})

test('YAML syntax errors are positioned errors', () => {
  // Where the quote opens, not where the text ends.
  assert.match(read('title: "unclosed\nlang: en\n').messages[0]!, /^2:8 error Front matter is not valid YAML: Missing closing "quote/)
  assert.match(read('title: T\n\tlang: en\n').messages[0]!, /^3:1 error Front matter is not valid YAML: Tabs are not allowed as indentation/)
  assert.match(read('title: T\ntitle: U\n').messages[0]!, /^3:1 error Front matter is not valid YAML: Map keys must be unique/)
})

test('an alias bomb is refused, not expanded', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
  for (const name of 'bcdefghij') bomb.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`).join(',')}]`)
  const {fields, messages} = read(`title: T\n${bomb.join('\n')}\n`)
  assert.equal(fields, undefined)
  assert.match(messages.at(-1)!, /error Front matter cannot be read: Excessive alias count/)
})

test('a custom YAML tag is a warning and its text is kept', () => {
  const {fields, messages} = read('title: !shout Loud\n')
  assert.equal(fields?.title, 'Loud')
  assert.match(messages[0]!, /^2:8 warning Front matter: .*Unresolved tag: !shout/)
})

test('a language tag must be BCP 47', () => {
  assert.match(read('title: T\nlang: english language\n').messages[0]!, /^3:7 error Front-matter field `lang` is not a BCP 47 language tag/)
  assert.deepEqual(read('title: T\nlang: uk\n').messages, [])
})

test('a date must be ISO 8601', () => {
  assert.deepEqual(read('title: T\ndate: 2023-03-01\n').messages, [])
  assert.match(read('title: T\ndate: March 2023\n').messages[0]!, /^3:7 error Front-matter field `date` is not an ISO 8601 date/)
})

test('book.yaml needs a list of chapters', () => {
  assert.match(read('title: T\n', bookSchema).messages[0]!, /error Front matter has no `chapters`/)
  assert.match(read('title: T\nchapters: []\n', bookSchema).messages[0]!, /^3:11 error Front-matter field `chapters` is empty/)
})
