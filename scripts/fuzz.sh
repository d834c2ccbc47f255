#!/usr/bin/env bash
# Fuzzes kraft's YAML parsers (Kraftfile, port recipe, library manifest, lockfile) with
# libFuzzer: builds Fuzz/ParsersFuzzTarget.swift with `swiftc -sanitize=fuzzer` against the
# KraftModel, KraftBasics and KraftManifest sources (optimised, as users run them), seeds it
# with Tests/Corpus/kraftfiles and the shipped ports, and runs it.
#
#   scripts/fuzz.sh                 a short run (50,000 inputs or 60 s), as scripts/test.sh does
#   scripts/fuzz.sh -runs=1000000   any libFuzzer flags replace the default run length
#
# Fails on any crash, and on any input that takes longer than a second (-timeout=1); the
# input is then saved under .build/fuzz/ (crash-*, timeout-*) to turn into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

out=.build/fuzz
mkdir -p "$out/modules" "$out/corpus"
flags=(-O -sanitize=fuzzer -parse-as-library -I "$out/modules" -I Sources/CLibYAML)

build_module() { # name, sources...
  local name="$1"
  shift
  swiftc "${flags[@]}" -wmo -module-name "$name" -emit-module \
    -emit-module-path "$out/modules/$name.swiftmodule" -emit-library -static \
    -o "$out/lib$name.a" "$@"
}

echo "== building the parser fuzzer"
build_module KraftModel Sources/KraftModel/*.swift
build_module KraftBasics Sources/KraftBasics/*.swift
build_module KraftManifest Sources/KraftManifest/*.swift
swiftc "${flags[@]}" -module-name ParsersFuzz Fuzz/ParsersFuzzTarget.swift \
  -L "$out" -lKraftManifest -lKraftBasics -lKraftModel -lyaml -o "$out/parsers-fuzz"

# The seeds: every corpus Kraftfile, every shipped port recipe and library manifest.
cp Tests/Corpus/kraftfiles/*.yaml "$out/corpus/" 2>/dev/null || true
find Ports Kernel -name port.yaml -o -name library.yaml | while read -r file; do
  cp "$file" "$out/corpus/$(echo "$file" | tr / _)"
done

args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then args=(-runs=50000 -max_total_time=60); fi
echo "== fuzzing: ${args[*]}"
"$out/parsers-fuzz" -timeout=1 -rss_limit_mb=2048 -max_len=65536 -dict=Fuzz/kraft-yaml.dict \
  -artifact_prefix="$out/" "${args[@]}" "$out/corpus"
