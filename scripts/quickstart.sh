#!/usr/bin/env bash
# The Quick start's main job: install what kraft needs, install kraft itself (scripts/install.sh:
# /usr/local by default, or --prefix DIR), then build and boot the example unikernel
# (examples/helloworld) under QEMU with the installed kraft, from a folder outside the source
# tree. Run as root on Debian 12 with Swift.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/usr/local
if [ "${1:-}" = "--prefix" ]; then prefix="${2:?--prefix needs a folder}"; fi

bash scripts/install-deps.sh
bash scripts/install.sh --prefix "$prefix"
export PATH="$prefix/bin:$PATH"

work="$(mktemp -d /tmp/kraft-quickstart.XXXXXX)"
cp -R examples/helloworld "$work/"
cd "$work/helloworld"
echo "== kraft build (in $PWD)"
kraft build
echo "== kraft run (qemu/x86_64)"
kraft run --target qemu/x86_64
