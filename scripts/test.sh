#!/usr/bin/env bash
# The test suite. Two tiers:
#   bash scripts/test.sh          everything, as CI runs it (`.ci/run`) and as the README's Quick
#                                 start gives it. Works as root on a fresh Debian 12 machine with
#                                 the Swift toolchain: installs what it needs, builds a source
#                                 mirror from Debian's source packages (no other network is used),
#                                 builds kraft, and runs every test.
#   bash scripts/test.sh --fast   every test but those tagged `slow` (QEMU boots; kernel, musl and
#                                 OpenSSL builds; the Debian mirror): under a minute once built.
#                                 Installs nothing, builds no mirror, runs no fuzzer.
set -euo pipefail
cd "$(dirname "$0")/.."

fast=false
case "${1:-}" in
  "") ;;
  --fast) fast=true ;;
  *)
    echo "usage: bash scripts/test.sh [--fast]" >&2
    exit 64
    ;;
esac

if ! $fast; then
  bash scripts/install-deps.sh

  # Upstream sources (musl, ...) come from Debian's source packages through kraft's mirror
  # mechanism; pins and verification stay exactly as in the port recipes.
  mirror_dir="${KRAFT_TEST_MIRROR:-$PWD/mirror}"
  KRAFT_MIRRORS="$(bash scripts/debian-mirror.sh "$mirror_dir")"
  export KRAFT_MIRRORS
fi

# One cache for the whole run, so each upstream source is fetched and built once and shared
# between tests; it starts empty so the run proves a clean fetch works.
KRAFT_CACHE_DIR="$(mktemp -d /tmp/kraft-test-cache.XXXXXX)"
export KRAFT_CACHE_DIR
trap 'rm -rf "$KRAFT_CACHE_DIR"' EXIT

echo "== building kraft"
swift build --build-tests

echo "== Kraftfile schema agrees with the corpus"
python3 Tests/Corpus/check_schema.py

if ! $fast; then
  echo "== parsers survive a short fuzzing run (libFuzzer; scripts/fuzz.sh)"
  bash scripts/fuzz.sh
fi

echo "== bench harness logic"
python3 -m unittest discover -s bench/tests

if $fast; then
  # `swift test` 6.3 cannot skip by tag, so the slow suites skip themselves (`.slowTier`, see
  # Tests/KraftTestSupport/SlowTier.swift) when KRAFT_TEST_TIER is fast.
  echo "== swift test (fast tier: tests tagged slow are skipped)"
  KRAFT_TEST_TIER=fast swift test --skip-build
else
  echo "== swift test"
  env -u KRAFT_TEST_TIER swift test --skip-build
fi
