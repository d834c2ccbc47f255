// OpenSSL's SHA-256 only. The one-call-per-step SHA256_* functions are deprecated in
// OpenSSL 3 in favour of EVP, but their context is a plain struct, which keeps kraft's
// SHA256 a copyable value; they use the same assembly (SHA-NI, AVX2, ARMv8) as EVP.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
