#!/usr/bin/env bash
# Installs kraft under a prefix: the binary, its data (Kernel/, Ports/, Kraftfile.schema),
# shell completions for bash, zsh and fish, and a man page, all generated from kraft itself.
#
#   bash scripts/install.sh [--prefix DIR] [--binary PATH]
#
#   --prefix DIR    where to install (default /usr/local): DIR/bin/kraft, DIR/share/kraft/...
#   --binary PATH   install this already built kraft instead of building a release one
#                   (the tests use it to reuse their debug build)
#
# Layout (kraft finds its kernel and ports from its own real path, see KernelTree.swift):
#   DIR/bin/kraft
#   DIR/share/kraft/{Kernel,Ports,Kraftfile.schema}
#   DIR/share/bash-completion/completions/kraft
#   DIR/share/zsh/site-functions/_kraft
#   DIR/share/fish/vendor_completions.d/kraft.fish
#   DIR/share/man/man1/kraft.1
# Everything is generated into a staging folder first, then moved into place, so a failure
# leaves any previous installation as it was.
set -euo pipefail
caller="$PWD"
cd "$(dirname "$0")/.."
source_tree="$PWD"
# Relative paths given on the command line are the caller's, not the source tree's.
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$caller/$1" ;; esac; }

prefix=/usr/local
binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --binary=*) binary="${1#--binary=}"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 64 ;;
  esac
done

prefix="$(absolute "$prefix")"
[ -z "$binary" ] || binary="$(absolute "$binary")"
if [ -z "$binary" ]; then
  echo "== building kraft (release)"
  swift build -c release --product kraft
  binary="$(swift build -c release --show-bin-path)/kraft"
fi
if [ ! -x "$binary" ]; then
  echo "install.sh: '$binary' is not an executable kraft; build it first or leave out --binary" >&2
  exit 66
fi

mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
stage="$(mktemp -d "$prefix/.kraft-install.XXXXXX")"
trap 'rm -rf "$stage"' EXIT

echo "== staging kraft for $prefix"
mkdir -p "$stage/bin" "$stage/share/kraft" "$stage/share/bash-completion/completions" \
  "$stage/share/zsh/site-functions" "$stage/share/fish/vendor_completions.d" \
  "$stage/share/man/man1"
install -m 0755 "$binary" "$stage/bin/kraft"
# The data as tracked in the source tree: build outputs and caches are not part of it.
cp -R Kernel Ports "$stage/share/kraft/"
find "$stage/share/kraft" \( -name .unikraft -o -name .kraft-cache -o -name '*.o' -o -name '*.d' \
  -o -name __pycache__ \) -prune -exec rm -rf {} +
install -m 0644 Kraftfile.schema "$stage/share/kraft/Kraftfile.schema"

"$stage/bin/kraft" --generate-completion-script bash > "$stage/share/bash-completion/completions/kraft"
"$stage/bin/kraft" --generate-completion-script zsh > "$stage/share/zsh/site-functions/_kraft"
"$stage/bin/kraft" --generate-completion-script fish > "$stage/share/fish/vendor_completions.d/kraft.fish"
"$stage/bin/kraft" --experimental-dump-help | python3 "$source_tree/scripts/kraft-manual.py" \
  > "$stage/share/man/man1/kraft.1"

echo "== installing into $prefix"
# share/kraft is replaced whole (a port removed from the source tree must not linger).
for file in bin/kraft share/kraft share/bash-completion/completions/kraft \
  share/zsh/site-functions/_kraft share/fish/vendor_completions.d/kraft.fish \
  share/man/man1/kraft.1; do
  mkdir -p "$(dirname "$prefix/$file")"
  if [ -d "$prefix/$file" ] && [ ! -L "$prefix/$file" ]; then
    mv "$prefix/$file" "$stage/old-$(basename "$file")"
  fi
  mv -f "$stage/$file" "$prefix/$file"
done
echo "installed: $prefix/bin/kraft ($("$prefix/bin/kraft" --version))"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "note: $prefix/bin is not on PATH; add it to run 'kraft' by name" ;;
esac
