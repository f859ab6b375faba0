/**
 * SVG images lose everything that could load from outside them, however it
 * is spelled: CSS escapes, quotes inside quotes, image-set(), presentation
 * attributes, and animations that set a reference.
 */
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {cleanSvg} from '../build/read/svg.ts'

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">${body}</svg>`

function cleaned(body: string): {text: string; removed: string[]} {
  const result = cleanSvg(new TextEncoder().encode(svg(body)))
  assert.ok(result.ok, 'a well-formed SVG is used')
  return {text: new TextDecoder().decode(result.bytes), removed: result.removed}
}

test('every spelling of an outside reference is removed, and reported', () => {
  const vectors = {
    'an escaped url(': String.raw`<style>rect { fill: u\72l(http://evil.example/a.svg#x) }</style>`,
    'a quote inside the quoted address': `<rect style="fill: url('http://evil.example/a.png&quot;x')"/>`,
    'image-set()': `<style>rect { background: image-set("http://evil.example/a.png" 1x) }</style>`,
    '-webkit-image-set() in an attribute': `<rect style="background: -webkit-image-set('file:///etc/passwd' 1x)"/>`,
    'fill="url(…)"': '<rect fill="url(http://evil.example/p.svg#g)"/>',
    'filter="url(file:…)"': '<rect filter="url(file:///etc/passwd#f)"/>',
    'mask="url(…)"': '<rect mask="url(http://evil.example/m.svg#m)"/>',
    'a comment inside url(': '<rect style="fill: url(/**/http://evil.example/c.svg#c)"/>',
    '<set> of href to javascript:': '<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>',
    '<animate> of xlink:href to file:': '<image><animate attributeName="xlink:href" values="file:///etc/passwd;x.png"/></image>',
    'xml:base': '<g xml:base="http://evil.example/"><use href="#x"/></g>',
    '@import': '<style>@import "http://evil.example/s.css"; rect { fill: red }</style>'
  }
  for (const [name, body] of Object.entries(vectors)) {
    const {text, removed} = cleaned(body)
    assert.doesNotMatch(text, /evil\.example|file:|javascript:/, name)
    assert.ok(removed.length > 0, `${name} is reported`)
  }
})

test('references inside the image stay: fragments, written-in rasters, plain styles', () => {
  const body = '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs><rect fill="url(#g)" style="stroke: url(&quot;#g&quot;); stroke-width: 2"/><use href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/><style>rect { fill: url(\'#g\') }</style><animate attributeName="opacity" values="0;1" dur="1s"/>'
  const {text, removed} = cleaned(body)
  assert.deepEqual(removed, [])
  for (const kept of ['fill="url(#g)"', 'url(&quot;#g&quot;)', 'href="#g"', 'data:image/png;base64', "url('#g')", 'attributeName="opacity"']) assert.ok(text.includes(kept), kept)
})
