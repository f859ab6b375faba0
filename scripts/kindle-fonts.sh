#!/bin/sh
# Which fonts survive Kindle conversion: converts an EPUB to AZW3 with
# Calibre's ebook-convert, back to EPUB, and lists the font files and
# @font-face rules of the result. Needs calibre (apt-get install calibre).
# Usage: scripts/kindle-fonts.sh BOOK.epub [WORK_DIR]
set -eu
book=$1
work=${2:-$(mktemp -d)}
mkdir -p "$work"
name=$(basename "$book" .epub)
QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox ebook-convert "$book" "$work/$name.azw3" >"$work/to-azw3.log" 2>&1
QTWEBENGINE_CHROMIUM_FLAGS=--no-sandbox ebook-convert "$work/$name.azw3" "$work/$name.round.epub" >"$work/to-epub.log" 2>&1
echo "== fonts in $name.azw3 (after AZW3 and back to EPUB)"
unzip -l "$work/$name.round.epub" | awk '/\.(ttf|otf|woff2?)$/ {print $1, $4}'
echo "== @font-face rules kept"
mkdir -p "$work/round" && (cd "$work/round" && unzip -qo "../$name.round.epub")
find "$work/round" -name '*.css' -exec grep -h -A4 '@font-face' {} + | grep -E 'font-family|font-weight|font-style|src' | sort | uniq -c
echo "== conversion messages about fonts"
grep -i font "$work/to-azw3.log" || echo "(none)"
