/*
 * OpenSSL inside a kraft unikernel. Reads a file from the rootfs and prints:
 *
 *   SHA2-256(<path>)= <hex>                      (the format of `openssl dgst
 * -sha256`) HMAC-SHA2-256(<path>)= <hex>                 (key below; `openssl
 * dgst -sha256 -hmac`) aes-256-gcm: round trip ok (<n> bytes)       (random key
 * and IV from the kernel's entropy) ed25519: signature verifies, tampered
 * signature rejected
 *
 * and exits 0 only when every step worked, so a boot test can check both the
 * status and the digests (computed again on the host from the same file).
 */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HMAC_KEY "kraft-example-key"

static void print_hex(const char *label, const char *path,
                      const unsigned char *bytes, size_t length)
{
	printf("%s(%s)= ", label, path);
	for (size_t i = 0; i < length; i++)
		printf("%02x", bytes[i]);
	printf("\n");
}

static int fail(const char *what)
{
	fprintf(stderr, "openssl-example: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	return 1;
}

static unsigned char *read_file(const char *path, size_t *length)
{
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		return NULL;
	size_t capacity = 4096, used = 0;
	unsigned char *data = malloc(capacity);
	size_t got;
	while (data != NULL &&
	       (got = fread(data + used, 1, capacity - used, file)) > 0) {
		used += got;
		if (used == capacity) {
			unsigned char *bigger = realloc(data, capacity *= 2);
			if (bigger == NULL)
				free(data);
			data = bigger;
		}
	}
	fclose(file);
	*length = used;
	return data;
}

static int digests(const char *path, const unsigned char *data, size_t length)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_length = 0;
	if (!EVP_Digest(data, length, digest, &digest_length, EVP_sha256(),
	                NULL))
		return fail("sha256");
	print_hex("SHA2-256", path, digest, digest_length);

	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *context = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0),
	    OSSL_PARAM_construct_end(),
	};
	size_t mac_length = 0;
	int ok = context != NULL &&
	         EVP_MAC_init(context, (const unsigned char *)HMAC_KEY,
	                      strlen(HMAC_KEY), params) &&
	         EVP_MAC_update(context, data, length) &&
	         EVP_MAC_final(context, digest, &mac_length, sizeof digest);
	EVP_MAC_CTX_free(context);
	EVP_MAC_free(mac);
	if (!ok)
		return fail("hmac-sha256");
	print_hex("HMAC-SHA2-256", path, digest, mac_length);
	return 0;
}

static int aes_gcm_round_trip(const unsigned char *data, size_t length)
{
	unsigned char key[32], iv[12], tag[16];
	if (RAND_bytes(key, sizeof key) != 1 || RAND_bytes(iv, sizeof iv) != 1)
		return fail("RAND_bytes");
	unsigned char *sealed = malloc(length + 16),
	              *opened = malloc(length + 16);
	int n = 0, total = 0, ok = sealed != NULL && opened != NULL;

	EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
	ok = ok && context != NULL &&
	     EVP_EncryptInit_ex2(context, EVP_aes_256_gcm(), key, iv, NULL) &&
	     EVP_EncryptUpdate(context, sealed, &n, data, (int)length);
	total = n;
	ok =
	    ok && EVP_EncryptFinal_ex(context, sealed + total, &n) &&
	    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, sizeof tag, tag);
	total += n;
	ok =
	    ok &&
	    EVP_DecryptInit_ex2(context, EVP_aes_256_gcm(), key, iv, NULL) &&
	    EVP_DecryptUpdate(context, opened, &n, sealed, total) &&
	    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, sizeof tag, tag);
	int opened_length = n;
	ok =
	    ok && EVP_DecryptFinal_ex(context, opened + opened_length, &n) == 1;
	opened_length += n;
	ok = ok && (size_t)opened_length == length &&
	     memcmp(opened, data, length) == 0 &&
	     (length == 0 || memcmp(sealed, data, length) != 0);
	EVP_CIPHER_CTX_free(context);
	free(sealed);
	free(opened);
	if (!ok)
		return fail("aes-256-gcm round trip");
	printf("aes-256-gcm: round trip ok (%zu bytes)\n", length);
	return 0;
}

static int ed25519(const unsigned char *data, size_t length)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	unsigned char signature[64];
	size_t signature_length = sizeof signature;
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	int ok =
	    key != NULL && context != NULL &&
	    EVP_DigestSignInit_ex(context, NULL, NULL, NULL, NULL, key, NULL) &&
	    EVP_DigestSign(context, signature, &signature_length, data, length);
	ok = ok &&
	     EVP_DigestVerifyInit_ex(context, NULL, NULL, NULL, NULL, key,
	                             NULL) &&
	     EVP_DigestVerify(context, signature, signature_length, data,
	                      length) == 1;
	/* One flipped bit in the signature must make verification fail. */
	signature[0] ^= 1;
	ok = ok &&
	     EVP_DigestVerifyInit_ex(context, NULL, NULL, NULL, NULL, key,
	                             NULL) &&
	     EVP_DigestVerify(context, signature, signature_length, data,
	                      length) != 1;
	ERR_clear_error();
	EVP_MD_CTX_free(context);
	EVP_PKEY_free(key);
	if (!ok)
		return fail("ed25519 sign/verify");
	printf("ed25519: signature verifies, tampered signature rejected\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/data/message.txt";
	size_t length = 0;
	unsigned char *data = read_file(path, &length);
	if (data == NULL) {
		fprintf(stderr, "openssl-example: cannot read '%s'\n", path);
		return 2;
	}
	printf("%s\n", OpenSSL_version(OPENSSL_VERSION));
	int failures = digests(path, data, length) +
	               aes_gcm_round_trip(data, length) + ed25519(data, length);
	free(data);
	return failures == 0 ? 0 : 1;
}
