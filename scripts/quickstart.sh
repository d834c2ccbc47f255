#!/usr/bin/env bash
# The Quick start's main job: install what kraft needs, build kraft, then build and boot the
# example unikernel (examples/helloworld) under QEMU. Run as root on Debian 12 with Swift.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

echo "== building kraft"
swift build -c release
kraft="$PWD/.build/release/kraft"

cd examples/helloworld
echo "== kraft build"
"$kraft" build
echo "== kraft run (qemu/x86_64)"
"$kraft" run --target qemu/x86_64
