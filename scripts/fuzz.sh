#!/usr/bin/env bash
# Fuzzes kraft's YAML parsers (Kraftfile, port recipe, library manifest, lockfile) with
# libFuzzer: builds Fuzz/ParsersFuzzTarget.swift with `swiftc -sanitize=fuzzer` against the
# KraftModel, KraftBasics and KraftManifest sources (optimised, as users run them), seeds it
# with Tests/Corpus/kraftfiles and the shipped ports, and runs it.
#
#   scripts/fuzz.sh                 a short run (50,000 inputs or 60 s), as scripts/test.sh does
#   scripts/fuzz.sh -runs=1000000   a long run; other libFuzzer flags are passed on
#
# Fails on any crash, and on any input that takes longer than a second (-timeout=1); the
# input is then saved under .build/fuzz/ (crash-*, timeout-*) to turn into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

out=.build/fuzz
mkdir -p "$out/modules" "$out/corpus"
flags=(-O -sanitize=fuzzer -parse-as-library -I "$out/modules" -I Sources/CLibYAML -I Sources/CLibCrypto)

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
  -L "$out" -lKraftManifest -lKraftBasics -lKraftModel -lyaml -lcrypto -o "$out/parsers-fuzz"

# The seeds: every corpus Kraftfile, every shipped port recipe and library manifest.
cp Tests/Corpus/kraftfiles/*.yaml "$out/corpus/" 2>/dev/null || true
find Ports Kernel -name port.yaml -o -name library.yaml | while read -r file; do
  cp "$file" "$out/corpus/$(echo "$file" | tr / _)"
done

# Run length: -runs=N (default 50,000) and optionally -max_total_time=S; other flags pass on.
runs=50000
max_time=""
extra=()
for arg in "$@"; do
  case "$arg" in
  -runs=*) runs="${arg#-runs=}" ;;
  -max_total_time=*) max_time="${arg#-max_total_time=}" ;;
  *) extra+=("$arg") ;;
  esac
done
[[ $# -eq 0 ]] && max_time=60

# libFuzzer's -timeout is wall-clock time: on a busy machine a process stalled by the scheduler
# looks like a slow input. Such an input is run again on its own, three times; only when it
# is still slow (or crashes) does the run fail. Otherwise the run resumes with what is left.
started=$(date +%s)
done_runs=0
while ((done_runs < runs)); do
  time_flag=()
  if [[ -n "$max_time" ]]; then
    left=$((max_time - ($(date +%s) - started)))
    ((left > 0)) || break
    time_flag=(-max_total_time="$left")
  fi
  echo "== fuzzing: $((runs - done_runs)) inputs ${time_flag[*]} ${extra[*]}"
  rm -f "$out"/timeout-* "$out/stats"
  status=0
  "$out/parsers-fuzz" -timeout=1 -rss_limit_mb=2048 -max_len=65536 -dict=Fuzz/kraft-yaml.dict \
    -artifact_prefix="$out/" -print_final_stats=1 -runs=$((runs - done_runs)) \
    "${time_flag[@]}" "${extra[@]}" "$out/corpus" 2>&1 | tee "$out/stats" || status=${PIPESTATUS[0]}
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/stats")
  done_runs=$((done_runs + ${executed:-0}))
  ((status == 0)) && break
  timeouts=("$out"/timeout-*)
  [[ -f "${timeouts[0]}" ]] || exit "$status" # a crash: its input is kept under $out
  slowest=$(for _ in 1 2 3; do "$out/parsers-fuzz" "${timeouts[0]}" 2>&1; done |
    sed -n 's/^Executed .* in \([0-9]*\) ms$/\1/p' | sort -n | head -1)
  if [[ -z "$slowest" || "$slowest" -ge 1000 ]]; then
    echo "slow input kept as ${timeouts[0]}: ${slowest:-?} ms at best" >&2
    exit 1
  fi
  echo "== ${timeouts[0]} takes $slowest ms when run again: the machine stalled; resuming" >&2
  mv "${timeouts[0]}" "$out/stalled-$(basename "${timeouts[0]}")"
done
echo "== $done_runs inputs in $(($(date +%s) - started)) s: no crash, no input over 1 s"
