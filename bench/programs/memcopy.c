/*
 * Memory access, no kernel involved: one operation copies 4 KiB with 8-byte
 * loads and stores, four words per step, as the kernel's read() copies a
 * file's bytes (kmemcpy). Its ratio is the price of emulated memory access
 * (every load and store through QEMU's software TLB in system mode; a host
 * access at a fixed offset in user mode), as compute's is the price of
 * emulated arithmetic. volatile keeps both compilers from turning the loop
 * into a call to memcpy or into vector moves: each side runs the same 1,024
 * accesses.
 */
/* kraft compiles with -std=c11: ask for the POSIX and GNU names explicitly. */
#define _GNU_SOURCE
#include <stddef.h>

#include "bench.h"

#define WORDS (4096 / sizeof(uint64_t))

static uint64_t source[WORDS], destination[WORDS];

static int copy_batch(uint64_t iterations, void *context)
{
	(void)context;
	const volatile uint64_t *from = source;
	volatile uint64_t *to = destination;
	for (uint64_t i = 0; i < iterations; i++) {
		for (size_t w = 0; w < WORDS; w += 4) {
			uint64_t a = from[w], b = from[w + 1], c = from[w + 2],
			         d = from[w + 3];
			to[w] = a;
			to[w + 1] = b;
			to[w + 2] = c;
			to[w + 3] = d;
		}
	}
	return 0;
}

int bench_memcopy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t w = 0; w < WORDS; w++)
		source[w] = w * 0x9e3779b97f4a7c15ull;
	return bench_run("memcopy", copy_batch, 0);
}
