/*
 * The mimalloc port as musl's malloc (see Kraftfile). Each check prints PASS
 * or FAIL and its name; the last line is "mimalloc: ok" when all passed.
 */
#include <malloc.h>
#include <mimalloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS   1024
#define ROUNDS  20000
#define THREADS 4

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

/* Random frees and allocations of 1 to 2048 bytes (now and then 256 KiB),
 * each block filled with a byte of its own and checked before it is freed. */
static int churn(uint32_t seed, int rounds)
{
	unsigned char **blocks = calloc(SLOTS, sizeof(*blocks));
	size_t *sizes = calloc(SLOTS, sizeof(*sizes));
	int ok = blocks && sizes;

	for (int round = 0; ok && round < rounds; round++) {
		unsigned slot = next(&seed) % SLOTS;
		unsigned char *b = blocks[slot];
		unsigned char mark = (unsigned char)(slot ^ seed);
		if (b) {
			ok &= b[0] == b[sizes[slot] - 1];
			free(b);
		}
		size_t size = 1 + next(&seed) % (round % 97 ? 2048 : 262144);
		b = malloc(size);
		if (!b)
			return 0;
		memset(b, mark, size);
		blocks[slot] = b;
		sizes[slot] = size;
	}
	for (unsigned slot = 0; blocks && slot < SLOTS; slot++)
		free(blocks[slot]);
	free(blocks);
	free(sizes);
	return ok;
}

static int realloc_keeps_contents(void)
{
	size_t size = 16;
	unsigned char *p = malloc(size);
	int ok = p != 0;
	for (size_t i = 0; ok && i < size; i++)
		p[i] = (unsigned char)i;
	/* Grows through small, medium, large and huge blocks, then back. */
	while (ok && size < ((size_t)8 << 20)) {
		unsigned char *q = realloc(p, size * 4);
		if (!q)
			return 0;
		for (size_t i = 0; ok && i < size; i++)
			ok = q[i] == (unsigned char)i;
		for (size_t i = size; i < size * 4; i++)
			q[i] = (unsigned char)i;
		p = q;
		size *= 4;
	}
	unsigned char *q = realloc(p, 100);
	for (size_t i = 0; ok && q && i < 100; i++)
		ok = q[i] == (unsigned char)i;
	free(q);
	return ok && q;
}

static int calloc_zeroes_reused_memory(void)
{
	int ok = 1;
	for (int round = 0; ok && round < 64; round++) {
		size_t size = 64 + (size_t)round * 1000;
		unsigned char *dirty = malloc(size);
		if (!dirty)
			return 0;
		memset(dirty, 0xa5, size);
		free(dirty);
		unsigned char *clean = calloc(1, size);
		if (!clean)
			return 0;
		for (size_t i = 0; ok && i < size; i++)
			ok = clean[i] == 0;
		free(clean);
	}
	return ok && calloc((size_t)-1 / 2, 4) == 0;
}

static int aligned_blocks(void)
{
	void *p = 0;
	int ok = posix_memalign(&p, 4096, 1000) == 0 &&
	         ((uintptr_t)p & 4095) == 0 && malloc_usable_size(p) >= 1000;
	free(p);
	void *q = aligned_alloc(65536, 65536);
	ok &= q && ((uintptr_t)q & 65535) == 0;
	free(q);
	return ok;
}

/* Each thread churns on its own, then hands its last blocks to main, which
 * frees them: mimalloc's cross-thread free path. */
struct worker {
	pthread_t thread;
	uint32_t seed;
	int ok;
	void *handed[64];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	w->ok = churn(w->seed, ROUNDS / 2);
	for (int i = 0; i < 64; i++) {
		w->handed[i] = malloc(32 + (size_t)i * 40);
		if (!w->handed[i])
			w->ok = 0;
		else
			memset(w->handed[i], i, 32 + (size_t)i * 40);
	}
	return 0;
}

static int threads_allocate_concurrently(void)
{
	static struct worker workers[THREADS];
	int ok = 1;
	for (int i = 0; i < THREADS; i++) {
		workers[i].seed = 100 + (uint32_t)i;
		if (pthread_create(&workers[i].thread, 0, work, &workers[i]))
			return 0;
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(workers[i].thread, 0);
		ok &= workers[i].ok;
		for (int b = 0; b < 64; b++) {
			unsigned char *p = workers[i].handed[b];
			ok &= p && p[0] == b && p[31 + b * 40] == b;
			free(p);
		}
	}
	return ok;
}

/* One block of `mib` MiB, written from end to end, freed, and taken again. */
static int one_big_block(size_t mib)
{
	size_t size = mib << 20;
	for (int round = 0; round < 2; round++) {
		unsigned char *p = malloc(size);
		if (!p)
			return 0;
		for (size_t i = 0; i < size; i += 4096)
			p[i] = (unsigned char)(i >> 12);
		int ok = p[size - 4096] == (unsigned char)((size - 4096) >> 12);
		free(p);
		if (!ok)
			return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	size_t guest_mib = argc > 1 ? strtoul(argv[1], 0, 10) : 0;
	void *probe = malloc(24);
	check(mi_version() == 209 && mi_is_in_heap_region(probe),
	      "malloc is mimalloc 2.0.9");
	free(probe);
	check(churn(7, ROUNDS),
	      "20000 mixed mallocs and frees keep their contents");
	check(realloc_keeps_contents(), "realloc grows to 8 MiB and shrinks");
	check(calloc_zeroes_reused_memory(), "calloc zeroes reused memory");
	check(aligned_blocks(), "posix_memalign and aligned_alloc align");
	check(threads_allocate_concurrently(),
	      "4 threads allocate and free at once, and free each other's "
	      "blocks");
	if (guest_mib) {
		size_t big = guest_mib * 3 / 4;
		char name[80];
		snprintf(name, sizeof name,
		         "one block of %zu MiB (3/4 of the guest), twice", big);
		check(one_big_block(big), name);
	}
	if (failures)
		return 1;
	printf("mimalloc: ok\n");
	return 0;
}
