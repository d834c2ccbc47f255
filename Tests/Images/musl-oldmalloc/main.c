/*
 * A malloc-heavy program for musl's oldmalloc (see Kraftfile). Each check
 * prints PASS or FAIL and its name; the last line is "oldmalloc: ok" when all
 * passed.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS  4096
#define ROUNDS 100000

static int failures;

static void check(int ok, const char *name)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", name);
	failures += !ok;
}

static uint32_t next(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Random frees and allocations of 1 to 4096 bytes (now and then 64 KiB),
 * each block filled with a byte of its own and checked before it is freed. */
static int churn(void)
{
	static unsigned char *blocks[SLOTS];
	static size_t sizes[SLOTS];
	uint32_t seed = 7;
	int ok = 1;

	for (int round = 0; round < ROUNDS; round++) {
		unsigned slot = next(&seed) % SLOTS;
		unsigned char *b = blocks[slot];
		if (b) {
			ok &= b[0] == (unsigned char)slot &&
			      b[sizes[slot] - 1] == (unsigned char)slot;
			free(b);
		}
		size_t size = 1 + next(&seed) % (round % 97 ? 2048 : 65536);
		b = malloc(size);
		if (!b)
			return 0;
		memset(b, slot & 0xff, size);
		blocks[slot] = b;
		sizes[slot] = size;
	}
	for (unsigned slot = 0; slot < SLOTS; slot++)
		free(blocks[slot]);
	return ok;
}

static int realloc_keeps_contents(void)
{
	unsigned char *p = malloc(16);
	int ok = p != 0;
	for (size_t size = 16; ok && size <= (1u << 22); size *= 2) {
		memset(p + size / 2, (int)(size & 0xff), size - size / 2);
		unsigned char *q = realloc(p, size * 2);
		if (!q)
			return 0;
		p = q;
		ok &= p[size - 1] == (unsigned char)(size & 0xff);
	}
	unsigned char first = p[7];
	unsigned char *small = realloc(p, 8);
	ok &= small && small[7] == first;
	free(small);
	return ok;
}

static int calloc_zeroes_reused_memory(void)
{
	int ok = 1;
	for (int i = 0; i < 1000 && ok; i++) {
		size_t size = 24 + (size_t)i * 13;
		unsigned char *dirty = malloc(size);
		if (!dirty)
			return 0;
		memset(dirty, 0xa5, size);
		free(dirty);
		unsigned char *clean = calloc(1, size);
		if (!clean)
			return 0;
		for (size_t j = 0; j < size; j++)
			ok &= clean[j] == 0;
		free(clean);
	}
	return ok;
}

/* Small blocks freed and taken again at once, as a server's per-request
 * objects are (patch 0010 keeps such chunks per size for the next malloc):
 * every size to 520 bytes, 24 blocks each, every other one freed and asked
 * for again, twice. A block taken again must be as large as asked and must
 * not overlap a live one: each block holds a byte of its own, checked at
 * the end. */
static int small_blocks_taken_again(void)
{
	enum { SIZES = 520, EACH = 24 };
	static unsigned char *blocks[SIZES][EACH];
	int ok = 1;
	for (int size = 1; size <= SIZES; size++)
		for (int i = 0; i < EACH; i++) {
			if (!(blocks[size - 1][i] = malloc(size)))
				return 0;
			memset(blocks[size - 1][i], (size + i) & 0xff, size);
		}
	for (int pass = 0; pass < 2; pass++)
		for (int size = 1; size <= SIZES; size++) {
			for (int i = pass; i < EACH; i += 2)
				free(blocks[size - 1][i]);
			for (int i = pass; i < EACH; i += 2) {
				unsigned char *b = malloc(size);
				if (!b)
					return 0;
				ok &= malloc_usable_size(b) >= (size_t)size;
				memset(b, (size + i) & 0xff, size);
				blocks[size - 1][i] = b;
			}
		}
	for (int size = 1; size <= SIZES; size++)
		for (int i = 0; i < EACH; i++) {
			unsigned char *b = blocks[size - 1][i];
			for (int j = 0; j < size; j++)
				ok &= b[j] == ((size + i) & 0xff);
			free(b);
		}
	return ok;
}

/* Blocks above oldmalloc's mmap threshold go back to the kernel on free, so
 * the same total can be taken again many times. */
static int large_blocks_come_back(void)
{
	for (int i = 0; i < 64; i++) {
		size_t size = (4u << 20) + (size_t)i * 4096;
		char *p = malloc(size);
		if (!p)
			return 0;
		p[0] = p[size - 1] = 1;
		free(p);
	}
	return 1;
}

int main(void)
{
	void *probe = malloc(1);
	/* mallocng reports the size asked for, oldmalloc its chunk's. */
	check(malloc_usable_size(probe) > 1, "the allocator is oldmalloc");
	free(probe);
	check(churn(), "100000 mixed mallocs and frees keep their contents");
	check(small_blocks_taken_again(),
	      "small blocks freed and taken again stay whole");
	check(realloc_keeps_contents(), "realloc grows to 8 MiB and shrinks");
	check(calloc_zeroes_reused_memory(), "calloc zeroes reused memory");
	check(large_blocks_come_back(), "64 blocks of 4 MiB, each freed");
	if (failures)
		return 1;
	puts("oldmalloc: ok");
	return 0;
}
