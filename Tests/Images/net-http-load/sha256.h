/*
 * SHA-256 (FIPS 180-4), so the image can hash what it receives and what it
 * sends and the host can compare with sha256sum.
 */
#ifndef NET_HTTP_LOAD_SHA256_H
#define NET_HTTP_LOAD_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t length; /* bytes hashed so far */
	unsigned char block[64];
	size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Ends the hash and writes it as 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *s, char out[65]);

#endif
