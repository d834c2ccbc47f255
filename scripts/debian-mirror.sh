#!/usr/bin/env bash
# Builds a local source mirror from Debian source packages, for air-gapped machines and tests.
#
#   bash scripts/debian-mirror.sh [DIR]      (default DIR: ./mirror)
#
# For every port version whose `upstream:` names a `debian:` source package (in
# Ports/*/port.yaml), downloads the package's file with `apt-get source --download-only`. Beside
# an `archive:` URL (a hint: the orig tarball is upstream's archive) it is laid out under
# DIR/<host>/<path> of that URL, under the upstream file name; a version that is the Debian
# package itself (no `archive` or `git`, kraft's `debian:<package>/<version>/<file>`) goes to
# DIR/debian/<package>/<version>/<file>. Only ports whose Debian orig tarball is upstream's release archive
# byte for byte carry a `debian:` hint; kraft still checks every pin, so a wrong hint fails
# verification rather than building something else.
#
# Prints, on stdout and nothing else, the KRAFT_MIRRORS value that maps each upstream folder to
# the mirror (`https://musl.libc.org/releases/=file:///.../musl.libc.org/releases/`, and
# `debian:=file:///.../debian/`). Idempotent:
# files already in place are not downloaded again. Needs root for apt.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
mirror="$(realpath -m "${1:-$repo/mirror}")"
mkdir -p "$mirror"
log() { echo "debian-mirror: $*" >&2; }

python=python3
if ! "$python" -c 'import yaml' 2>/dev/null; then
  python=/usr/bin/python3
  "$python" -c 'import yaml' 2>/dev/null || {
    log "installing python3-yaml"
    apt-get install -y -qq python3-yaml >&2
  }
fi

# One line per mirrored archive: package, Debian version, orig file name, upstream URL.
wanted="$("$python" - "$repo"/Ports/*/port.yaml <<'PY'
import sys, yaml
for path in sys.argv[1:]:
    with open(path) as f:
        recipe = yaml.safe_load(f) or {}
    versions = (recipe.get("upstream") or {}).get("versions") or {}
    for name, version in versions.items():
        debian = (version or {}).get("debian")
        if not debian:
            continue
        file = debian.get("file") or debian["orig"]
        if version.get("archive"):
            print(debian["package"], debian["version"], file, version["archive"])
        elif not version.get("git"):
            print(debian["package"], debian["version"], file,
                  f"debian:{debian['package']}/{debian['version']}/{file}")
PY
)"

# apt needs a deb-src entry for the same Debian mirror as the existing deb entries.
has_deb_src() {
  grep -Rqs -E '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/
}
if ! has_deb_src; then
  log "adding a deb-src entry beside apt's deb entries"
  "$python" - <<'PY' > /etc/apt/sources.list.d/kraft-debian-src.sources
import glob
blocks = []
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for block in open(path).read().split("\n\n"):
        fields = dict(l.split(":", 1) for l in block.splitlines() if ":" in l and not l.startswith("#"))
        if fields.get("Types", "").split() == ["deb"]:
            fields["Types"] = " deb-src"
            blocks.append("\n".join(f"{k}:{v}" for k, v in fields.items()))
print("\n\n".join(blocks))
PY
  apt-get update -qq >&2
fi

declare -A prefixes=()
work="$mirror/.debian"
while read -r package version orig url; do
  [ -n "$package" ] || continue
  if [[ "$url" == debian:* ]]; then
    rest="debian/${url#debian:}"
    prefixes["debian:"]="file://$mirror/debian/"
  else
    rest="${url#*://}"
    prefixes["${url%/*}/"]="file://$mirror/${rest%/*}/"
  fi
  folder="${rest%/*}"
  file="${rest##*/}"
  target="$mirror/$folder/$file"
  if [ -f "$target" ]; then
    log "$file: already mirrored"
    continue
  fi
  mkdir -p "$work" "$mirror/$folder"
  if [ ! -f "$work/$orig" ]; then
    if ! apt-cache showsrc "$package" 2>/dev/null | grep -q "^Version: $version\$"; then
      apt-get update -qq >&2
    fi
    log "downloading Debian source package $package=$version"
    (cd "$work" && apt-get source --download-only -qq "$package=$version" >&2)
  fi
  cp "$work/$orig" "$target.tmp.$$"
  mv "$target.tmp.$$" "$target"
  log "$file: mirrored from $orig"
done <<< "$wanted"

value=""
for prefix in $(printf '%s\n' "${!prefixes[@]}" | sort); do
  value+="${value:+;}$prefix=${prefixes[$prefix]}"
done
echo "$value"
