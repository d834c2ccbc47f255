#!/usr/bin/env bash
# Installs what kraft and its tests need on Debian 12 (run as root). The Swift toolchain
# itself (with clang and ld.lld) is assumed present, as the Quick start says.
# Idempotent and quiet when everything is already there.
set -euo pipefail

packages=(
  ninja-build       # the build executor kraft drives
  ccache            # kraft build's object cache (on when installed; docs/building.md)
  distcc            # distributed compiles (KRAFT_DISTCC_HOSTS) and their tests: distcc, distccd
  redis-server      # compile-cache tests: the team cache on a loopback Redis
  qemu-system-x86   # boots x86_64 images (pc, microvm)
  qemu-system-arm   # boots arm64 images (virt)
  libgcc-12-dev-arm64-cross  # arm64 binary128 long double helpers (__addtf3...) for musl
  libyaml-dev       # Kraftfile parsing
  libgit2-dev       # git sources
  libarchive-dev    # release archives
  libssl-dev        # SHA-256 through libcrypto (archives, trees, patch sets)
  libcurl4-openssl-dev  # the OCI registry client (kraft pkg push/pull, kraft login)
  cpio              # initrd checks in tests
  git               # test fixtures: local repositories and git daemon
  pkg-config        # SwiftPM finds the C libraries through it
  musl-tools        # musl-gcc: the host reference the POSIX probe suite compares against
  perl              # prepare: steps (OpenSSL's Configure and generators)
  make              # prepare: steps (OpenSSL's and musl's Makefile rules)
  gcc               # prepare: OpenSSL's Configure reads the host compiler's predefined macros
  sed               # prepare: musl's mkalltypes.sed
  tcl               # prepare: SQLite's amalgamation generators (tclsh)
  python3.11        # prepare: CPython's build Python (python3 port; musl-gcc and binutils' readelf too)
  musl-dev:arm64    # prepare: the python3 port's aarch64 configure links against arm64 musl (multiarch)
  gcc-aarch64-linux-gnu  # prepare: ... with the cross gcc and musl-dev:arm64's specs file
  curl              # network boot tests: the HTTP client of the served images
  iproute2          # network boot tests and bench: their own namespace and tap device
  dnsmasq-base      # network boot tests: the resolver QEMU forwards the guest's DNS to
  wrk               # bench: HTTP requests/s and latency
  busybox-static    # bench: the Linux guest's minimal initramfs
  linux-image-amd64 # bench: the Linux guest kernel the unikernel is compared against
  qemu-user         # bench: python3.11 under the same TCG as the unikernel (user-mode emulation)
  libc6-dev-arm64-cross  # bench: static glibc for the arm64 runtime programs' host side (run under qemu-aarch64)
  redis-tools       # redis boot test and bench: redis-cli, redis-benchmark
  skopeo            # kraft pkg tests: an independent reader of the OCI layouts kraft writes
  umoci             # kraft pkg tests: unpacks a packed image's files as OCI tools do
  docker-registry   # registry tests: the CNCF distribution server, started on loopback
  apache2-utils     # registry tests: htpasswd (bcrypt) for the registry's basic auth
)

# musl-dev:arm64 is a package of Debian's arm64 architecture (musl has no -cross package).
dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The schema test validates the Kraftfile corpus with python's jsonschema (draft 2020-12).
if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "installing: python jsonschema"
  python3 -m pip install -q jsonschema 2>/dev/null ||
    { apt-get install -y -qq python3-jsonschema >/dev/null; }
fi
