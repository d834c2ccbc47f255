#!/usr/bin/env bash
# The whole test suite, as CI runs it (`.ci/run`) and as the README's Quick start gives it.
# Works as root on a fresh Debian 12 machine with the Swift toolchain: installs what it needs,
# builds a source mirror from Debian's source packages (no other network is used), builds
# kraft, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

# Upstream sources (musl, ...) come from Debian's source packages through kraft's mirror
# mechanism; pins and verification stay exactly as in the port recipes.
mirror_dir="${KRAFT_TEST_MIRROR:-$PWD/mirror}"
KRAFT_MIRRORS="$(bash scripts/debian-mirror.sh "$mirror_dir")"
export KRAFT_MIRRORS

# One cache for the whole run, so each upstream source is fetched and built once and shared
# between tests; it starts empty so the run proves a clean fetch works.
KRAFT_CACHE_DIR="$(mktemp -d /tmp/kraft-test-cache.XXXXXX)"
export KRAFT_CACHE_DIR
trap 'rm -rf "$KRAFT_CACHE_DIR"' EXIT

echo "== building kraft"
swift build --build-tests

echo "== Kraftfile schema agrees with the corpus"
python3 Tests/Corpus/check_schema.py

echo "== parsers survive a short fuzzing run (libFuzzer; scripts/fuzz.sh)"
bash scripts/fuzz.sh

echo "== bench harness logic"
python3 -m unittest discover -s bench/tests

echo "== swift test"
swift test --skip-build
