#!/bin/sh
# Regenerates Ports/openssl/glue/ and the source list in Ports/openssl/port.yaml from a pristine
# OpenSSL release tree. OpenSSL's build runs Configure (Perl) to produce its configuration
# headers and a few generated C files; kraft does that once, here, and commits the result, so a
# build never needs Perl and every build of the port sees the same configuration.
#
# usage: Ports/openssl/generate-glue.sh /path/to/openssl-3.0.20
# Needs perl and make. Run it again after changing CONFIGURE_OPTIONS or moving to a new release.
set -eu

upstream=${1:?usage: $0 /path/to/pristine/openssl-tree}
port=$(cd "$(dirname "$0")" && pwd)

# linux-generic64: plain C for any 64-bit little-endian target (x86_64 and arm64 alike).
# Everything a unikernel cannot use (threads, shared objects, sockets via BIO, the console UI)
# and algorithms nobody should start a new program with are left out to keep the build small.
CONFIGURE_OPTIONS="linux-generic64 no-asm no-shared no-threads no-dso no-engine no-async
  no-sock no-ui-console no-afalgeng no-autoload-config no-tests no-legacy no-deprecated
  no-comp no-ct no-cms no-ocsp no-ts no-srp no-srtp no-psk no-nextprotoneg no-gost no-aria
  no-bf no-camellia no-cast no-des no-dsa no-idea no-md4 no-mdc2 no-ocb no-rc2 no-rc4
  no-rmd160 no-scrypt no-seed no-siphash no-sm2 no-sm3 no-sm4 no-whirlpool no-ec2m no-siv
  no-cmp no-rfc3779 no-multiblock no-dtls no-ssl3 no-padlockeng no-capieng no-loadereng
  no-uplink no-filenames no-module no-fips no-dgram no-ssl-trace no-unit-test"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$upstream" "$work/tree"
cd "$work/tree"
# shellcheck disable=SC2086
./Configure $CONFIGURE_OPTIONS >/dev/null
# A fixed date keeps buildinf.h (and so the port) reproducible.
SOURCE_DATE_EPOCH=0 make build_generated crypto/buildinf.h \
  providers/common/der/der_digests_gen.c providers/common/der/der_ec_gen.c \
  providers/common/der/der_ecx_gen.c providers/common/der/der_rsa_gen.c \
  providers/common/der/der_wrap_gen.c providers/common/include/prov/der_digests.h \
  providers/common/include/prov/der_ec.h providers/common/include/prov/der_ecx.h \
  providers/common/include/prov/der_rsa.h providers/common/include/prov/der_wrap.h >/dev/null

# glue/include is exported to the image (OpenSSL's public headers need it); glue/private is
# for OpenSSL's own sources only (port.yaml's cflags).
rm -rf "$port/glue/include" "$port/glue/private" "$port/glue/der"
mkdir -p "$port/glue/include/openssl" "$port/glue/include/crypto" "$port/glue/private/prov" \
  "$port/glue/der"
for header in include/openssl/*.h; do
  # Only the generated ones (from .h.in); the others are used from the upstream tree.
  [ -e "$upstream/$header" ] || cp "$header" "$port/glue/include/openssl/"
done
cp include/crypto/bn_conf.h include/crypto/dso_conf.h "$port/glue/include/crypto/"
cp providers/common/include/prov/der_*.h "$port/glue/private/prov/"
cp crypto/buildinf.h "$port/glue/private/"
cp providers/common/der/der_*_gen.c "$port/glue/der/"
echo "$CONFIGURE_OPTIONS" | tr -s ' \n' '\n' | sed '/^$/d' >"$port/glue/configure-options.txt"

# The source list: every object of libcrypto.a and libssl.a as the generated Makefile has it.
list() {
  sed -n "/^$1:/,\$p" Makefile | sed '/^\t/q' | tr ' \\' '\n\n' | grep '\.o$'
}
{ list libcrypto.a; list libssl.a; } | perl -I. -Mconfigdata -ne '
  chomp; my @s = @{$unified_info{sources}{$_}};
  die "unexpected sources for $_\n" if @s != 1;
  my $c = $s[0];
  if ($c =~ m{^providers/common/der/(der_\w+_gen\.c)$}) {
    print "  - {path: glue/der/$1, from: port}\n";
  } else {
    print "  - $c\n";
  }' | sort -u >"$work/sources.yaml"

# Replace the generated block of port.yaml, keeping everything around it.
awk -v list="$work/sources.yaml" '
  /^  # BEGIN generated sources/ { print; while ((getline line < list) > 0) print line; skip = 1; next }
  /^  # END generated sources/ { skip = 0 }
  !skip { print }' "$port/port.yaml" >"$work/port.yaml"
cp "$work/port.yaml" "$port/port.yaml"
echo "glue and sources regenerated from $upstream"
