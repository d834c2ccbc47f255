/*
 * malloc/free throughput: one operation is a malloc and a free. Sizes cycle
 * from 16 bytes to 1 KiB and a ring of live blocks keeps each free away from
 * the block just allocated, so neither allocator can serve the loop from a
 * single cached slot.
 */
/* kraft compiles with -std=c11: ask for the POSIX and GNU names explicitly. */
#define _GNU_SOURCE
#include <stdlib.h>

#include "bench.h"

#define LIVE_BLOCKS  64
#define SIZE_CLASSES 7

static int malloc_batch(uint64_t iterations, void *context)
{
	(void)context;
	void *live[LIVE_BLOCKS] = {0};
	for (uint64_t i = 0; i < iterations; i++) {
		size_t slot = i % LIVE_BLOCKS;
		free(live[slot]);
		live[slot] = malloc((size_t)16 << (i % SIZE_CLASSES));
		if (!live[slot])
			return -1;
		*(volatile char *)live[slot] = (char)i;
	}
	for (size_t slot = 0; slot < LIVE_BLOCKS; slot++)
		free(live[slot]);
	return 0;
}

int bench_malloc(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return bench_run("malloc", malloc_batch, 0);
}
