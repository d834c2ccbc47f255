/*
 * OpenSSL's own known-answer tests, run inside the unikernel. The vectors are
 * OpenSSL's test/recipes/30-test_evp_data/ files from the fetched source,
 * copied into the rootfs by the boot test; this program reads the subset of
 * their format that covers:
 *
 *   Digest = SHA224|SHA256|SHA384|SHA512|SHA512-224|SHA512-256 (evpmd_sha.txt)
 *   MAC = HMAC with a SHA-2 Algorithm (evpmac_common.txt) Cipher =
 * aes-{128,192,256}-gcm                               (evpciph_aes_common.txt)
 *   OneShotDigestSign / OneShotDigestVerify with Ed25519 keys (evppkey_ecx.txt)
 *
 * A file is a sequence of records separated by blank lines; `Key = Value`
 * lines, values in hex or "quoted text"; `PrivateKey=NAME`/`PublicKey=NAME`
 * followed by a PEM block define keys. Records of other algorithms are not
 * counted. Each file prints one line (`PASS name: N vectors` or the first
 * failures), then the totals as `N passed, N failed` (the kernel's test
 * convention), and the exit status is 0 only when every vector passed and each
 * file had some.
 */
#define _DEFAULT_SOURCE
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 32
#define MAX_KEYS   64

struct field {
	char *name;
	unsigned char *value;
	size_t length;
};

struct record {
	struct field fields[MAX_FIELDS];
	int count;
};

struct named_key {
	char *name;
	EVP_PKEY *key;
};

static struct named_key keys[MAX_KEYS];
static int key_count;
static int passed, failed;

static char *trim(char *text)
{
	while (*text == ' ' || *text == '\t')
		text++;
	size_t length = strlen(text);
	while (length > 0 && strchr(" \t\r\n", text[length - 1]) != NULL)
		text[--length] = '\0';
	return text;
}

/* "quoted text" as its bytes, anything else as hex (an empty value is empty).
 */
static unsigned char *decode_value(const char *text, size_t *length)
{
	size_t size = strlen(text);
	unsigned char *bytes = malloc(size + 1);
	if (bytes == NULL)
		return NULL;
	if (size >= 2 && text[0] == '"' && text[size - 1] == '"') {
		memcpy(bytes, text + 1, size - 2);
		*length = size - 2;
		return bytes;
	}
	*length = 0;
	for (size_t i = 0; i < size; i += 2) {
		unsigned int byte;
		if (sscanf(text + i, "%2x", &byte) != 1) {
			free(bytes);
			return NULL;
		}
		bytes[(*length)++] = (unsigned char)byte;
	}
	return bytes;
}

static const struct field *get(const struct record *record, const char *name,
                               int nth)
{
	for (int i = 0; i < record->count; i++)
		if (strcmp(record->fields[i].name, name) == 0 && nth-- == 0)
			return &record->fields[i];
	return NULL;
}

static void clear(struct record *record)
{
	for (int i = 0; i < record->count; i++) {
		free(record->fields[i].name);
		free(record->fields[i].value);
	}
	record->count = 0;
}

static EVP_PKEY *find_key(const char *name)
{
	for (int i = 0; i < key_count; i++)
		if (strcmp(keys[i].name, name) == 0)
			return keys[i].key;
	return NULL;
}

static int same(const unsigned char *a, size_t a_length,
                const struct field *expected)
{
	return expected != NULL && a_length == expected->length &&
	       memcmp(a, expected->value, a_length) == 0;
}

/* Digest: every Input (its Ncopy copies) fed Count times, in order. */
static int run_digest(const struct record *record, const char *name)
{
	EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned int out_length = 0;
	int ok = md != NULL && context != NULL &&
	         EVP_DigestInit_ex2(context, md, NULL);
	for (int i = 0; ok && i < record->count; i++) {
		const struct field *field = &record->fields[i];
		if (strcmp(field->name, "Input") != 0)
			continue;
		long copies = 1, count = 1;
		if (i + 1 < record->count &&
		    strcmp(record->fields[i + 1].name, "Ncopy") == 0)
			copies = atol((char *)record->fields[i + 1].value);
		for (int j = i + 1;
		     j < record->count &&
		     strcmp(record->fields[j].name, "Input") != 0;
		     j++)
			if (strcmp(record->fields[j].name, "Count") == 0)
				count = atol((char *)record->fields[j].value);
		for (long c = 0; ok && c < count; c++)
			for (long n = 0; ok && n < copies; n++)
				ok = EVP_DigestUpdate(context, field->value,
				                      field->length);
	}
	ok = ok && EVP_DigestFinal_ex(context, out, &out_length) &&
	     same(out, out_length, get(record, "Output", 0));
	EVP_MD_CTX_free(context);
	EVP_MD_free(md);
	return ok;
}

static int run_hmac(const struct record *record, const char *digest)
{
	const struct field *key = get(record, "Key", 0),
	                   *input = get(record, "Input", 0);
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *context = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	                                     (char *)digest, 0),
	    OSSL_PARAM_construct_end(),
	};
	unsigned char out[EVP_MAX_MD_SIZE];
	size_t out_length = 0;
	int ok = context != NULL && key != NULL && input != NULL &&
	         EVP_MAC_init(context, key->value, key->length, params) &&
	         EVP_MAC_update(context, input->value, input->length) &&
	         EVP_MAC_final(context, out, &out_length, sizeof out) &&
	         same(out, out_length, get(record, "Output", 0));
	EVP_MAC_CTX_free(context);
	EVP_MAC_free(mac);
	return ok;
}

/* AES-GCM both ways unless Operation limits it; Result = CIPHERFINAL_ERROR
 * expects the tag check to fail on decryption. */
static int run_gcm(const struct record *record, const char *name)
{
	const struct field *key = get(record, "Key", 0),
	                   *iv = get(record, "IV", 0),
	                   *tag = get(record, "Tag", 0),
	                   *plain = get(record, "Plaintext", 0),
	                   *cipher = get(record, "Ciphertext", 0),
	                   *aad = get(record, "AAD", 0),
	                   *operation = get(record, "Operation", 0),
	                   *result = get(record, "Result", 0);
	if (key == NULL || iv == NULL || tag == NULL || plain == NULL ||
	    cipher == NULL)
		return 0;
	int expect_failure = result != NULL && strcmp((char *)result->value,
	                                              "CIPHERFINAL_ERROR") == 0;
	int encrypt = operation == NULL ||
	              strcmp((char *)operation->value, "ENCRYPT") == 0;
	int decrypt = operation == NULL ||
	              strcmp((char *)operation->value, "DECRYPT") == 0;
	EVP_CIPHER *type = EVP_CIPHER_fetch(NULL, name, NULL);
	EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
	size_t size = plain->length + cipher->length + 16;
	unsigned char *out = malloc(size), tag_out[16];
	int n = 0, total = 0,
	    ok = type != NULL && context != NULL && out != NULL;
	OSSL_PARAM iv_length[] = {
	    OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN,
	                                (size_t *)&iv->length),
	    OSSL_PARAM_construct_end(),
	};
	if (ok && encrypt && !expect_failure) {
		ok =
		    EVP_EncryptInit_ex2(context, type, NULL, NULL, iv_length) &&
		    EVP_EncryptInit_ex2(context, NULL, key->value, iv->value,
		                        NULL) &&
		    (aad == NULL ||
		     EVP_EncryptUpdate(context, NULL, &n, aad->value,
		                       (int)aad->length)) &&
		    EVP_EncryptUpdate(context, out, &n, plain->value,
		                      (int)plain->length);
		total = n;
		ok = ok && EVP_EncryptFinal_ex(context, out + total, &n) &&
		     EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG,
		                         (int)tag->length, tag_out) &&
		     same(out, (size_t)(total + n), cipher) &&
		     same(tag_out, tag->length, tag);
	}
	if (ok && decrypt) {
		int opened =
		    EVP_DecryptInit_ex2(context, type, NULL, NULL, iv_length) &&
		    EVP_DecryptInit_ex2(context, NULL, key->value, iv->value,
		                        NULL) &&
		    (aad == NULL ||
		     EVP_DecryptUpdate(context, NULL, &n, aad->value,
		                       (int)aad->length)) &&
		    EVP_DecryptUpdate(context, out, &n, cipher->value,
		                      (int)cipher->length) &&
		    EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_SET_TAG,
		                        (int)tag->length, tag->value);
		total = n;
		int final = opened &&
		            EVP_DecryptFinal_ex(context, out + total, &n) == 1;
		ok = expect_failure
		         ? opened && !final
		         : final && same(out, (size_t)(total + n), plain);
	}
	ERR_clear_error();
	free(out);
	EVP_CIPHER_CTX_free(context);
	EVP_CIPHER_free(type);
	return ok;
}

/* Ed25519 signatures are deterministic: signing must give exactly Output,
 * verifying must accept it (or, with a Result line, reject it). */
static int run_ed25519(const struct record *record, int sign)
{
	const struct field *key = get(record, "Key", 0),
	                   *input = get(record, "Input", 0),
	                   *output = get(record, "Output", 0),
	                   *result = get(record, "Result", 0);
	EVP_PKEY *pkey = key != NULL ? find_key((char *)key->value) : NULL;
	if (pkey == NULL || input == NULL || output == NULL)
		return 0;
	EVP_MD_CTX *context = EVP_MD_CTX_new();
	unsigned char signature[64];
	size_t length = sizeof signature;
	int ok;
	if (sign) {
		ok = context != NULL &&
		     EVP_DigestSignInit_ex(context, NULL, NULL, NULL, NULL,
		                           pkey, NULL) &&
		     EVP_DigestSign(context, signature, &length, input->value,
		                    input->length) &&
		     same(signature, length, output);
	} else {
		int verified =
		    context != NULL &&
		    EVP_DigestVerifyInit_ex(context, NULL, NULL, NULL, NULL,
		                            pkey, NULL) &&
		    EVP_DigestVerify(context, output->value, output->length,
		                     input->value, input->length) == 1;
		ok = result != NULL ? !verified : verified;
	}
	ERR_clear_error();
	EVP_MD_CTX_free(context);
	return ok;
}

static int is_sha2(const char *name)
{
	static const char *const names[] = {
	    "SHA224",     "SHA256",     "SHA384",   "SHA512",
	    "SHA512-224", "SHA512-256", "SHA2-224", "SHA2-256",
	    "SHA2-384",   "SHA2-512",   NULL};
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* Runs one record; returns 1 passed, 0 failed, -1 not one this runner covers.
 */
static int run_record(const struct record *record)
{
	if (record->count == 0 || get(record, "Availablein", 0) != NULL)
		return -1;
	const char *kind = record->fields[0].name,
	           *value = (char *)record->fields[0].value;
	if (strcmp(kind, "Digest") == 0)
		return is_sha2(value) ? run_digest(record, value) : -1;
	if (strcmp(kind, "MAC") == 0 && strcmp(value, "HMAC") == 0) {
		const struct field *algorithm = get(record, "Algorithm", 0);
		if (algorithm == NULL || !is_sha2((char *)algorithm->value) ||
		    get(record, "Ctrl", 0))
			return -1;
		return run_hmac(record, (char *)algorithm->value);
	}
	if (strcmp(kind, "Cipher") == 0 && strstr(value, "-gcm") != NULL &&
	    strncmp(value, "aes-", 4) == 0)
		return run_gcm(record, value);
	if (strcmp(kind, "OneShotDigestSign") == 0 ||
	    strcmp(kind, "OneShotDigestVerify") == 0) {
		const struct field *key = get(record, "Key", 0);
		EVP_PKEY *pkey =
		    key != NULL ? find_key((char *)key->value) : NULL;
		if (pkey == NULL || !EVP_PKEY_is_a(pkey, "ED25519"))
			return -1;
		return run_ed25519(record, kind[12] == 'S');
	}
	return -1;
}

/* `PrivateKey=NAME` / `PublicKey=NAME`: the PEM block on the following lines.
 */
static void read_key(FILE *file, const char *name, int private)
{
	static char line[4096];
	size_t size = 0, capacity = 4096;
	char *pem = malloc(capacity);
	while (pem != NULL && fgets(line, sizeof line, file) != NULL) {
		size_t length = strlen(line);
		if (size + length + 1 > capacity &&
		    (pem = realloc(pem, capacity *= 2)) == NULL)
			return;
		memcpy(pem + size, line, length);
		size += length;
		if (strncmp(line, "-----END", 8) == 0)
			break;
	}
	if (pem == NULL)
		return;
	BIO *bio = BIO_new_mem_buf(pem, (int)size);
	EVP_PKEY *key = private ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
	                        : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	free(pem);
	ERR_clear_error();
	if (key != NULL && key_count < MAX_KEYS) {
		keys[key_count].name = strdup(name);
		keys[key_count++].key = key;
	}
}

static void run_file(const char *path)
{
	FILE *file = fopen(path, "r");
	const char *base =
	    strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	if (file == NULL) {
		printf("FAIL %s: cannot open\n", base);
		failed++;
		return;
	}
	static struct record record;
	/* Static: the main stack is small, and OpenSSL's decoders need what
	 * there is. */
	static char line[65536];
	int ran = 0, bad = 0, eof = 0;
	while (!eof) {
		eof = fgets(line, sizeof line, file) == NULL;
		char *text = eof ? "" : trim(line);
		if (text[0] == '#')
			continue;
		if (strncmp(text, "PrivateKey=", 11) == 0 ||
		    strncmp(text, "PublicKey=", 10) == 0) {
			int private = text[1] == 'r';
			read_key(file, trim(strchr(text, '=') + 1), private);
			continue;
		}
		if (text[0] == '\0') {
			int result = run_record(&record);
			if (result >= 0) {
				ran++;
				if (result == 0 && bad++ < 3)
					printf("  vector failed: %s = %s\n",
					       record.fields[0].name,
					       (char *)record.fields[0].value);
			}
			clear(&record);
			continue;
		}
		char *equals = strchr(text, '=');
		if (equals == NULL || record.count == MAX_FIELDS)
			continue;
		*equals = '\0';
		struct field *field = &record.fields[record.count];
		field->name = strdup(trim(text));
		char *value = trim(equals + 1);
		/* Names, operations and counts stay text; data fields are
		 * decoded. */
		int is_data = strcmp(field->name, "Input") == 0 ||
		              strcmp(field->name, "Output") == 0 ||
		              strcmp(field->name, "Key") == 0 ||
		              strcmp(field->name, "IV") == 0 ||
		              strcmp(field->name, "AAD") == 0 ||
		              strcmp(field->name, "Tag") == 0 ||
		              strcmp(field->name, "Plaintext") == 0 ||
		              strcmp(field->name, "Ciphertext") == 0;
		if (is_data &&
		    !(strcmp(field->name, "Key") == 0 && record.count > 0 &&
		      strncmp(record.fields[0].name, "OneShot", 7) == 0)) {
			field->value = decode_value(value, &field->length);
		} else {
			field->value = (unsigned char *)strdup(value);
			field->length = strlen(value);
		}
		if (field->value == NULL) {
			free(field->name);
			continue;
		}
		record.count++;
	}
	clear(&record);
	fclose(file);
	if (ran == 0) {
		printf("FAIL %s: no vectors this runner covers\n", base);
		failed++;
	} else if (bad > 0) {
		printf("FAIL %s: %d of %d vectors failed\n", base, bad, ran);
	} else {
		printf("PASS %s: %d vectors\n", base, ran);
	}
	passed += ran - bad;
	failed += bad;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		run_file(argv[i]);
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 && passed > 0 ? 0 : 1;
}
