/*
 * Pure computation, no kernel involved: its ratio is the price of the CPU
 * itself (QEMU TCG against the host's), which the harness uses to put the other
 * ratios in proportion.
 */
/* kraft compiles with -std=c11: ask for the POSIX and GNU names explicitly. */
#define _GNU_SOURCE
#include "bench.h"

static volatile uint64_t sink;

static int xorshift_batch(uint64_t iterations, void *context)
{
	(void)context;
	uint64_t state = 0x9e3779b97f4a7c15ull;
	for (uint64_t i = 0; i < iterations; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
	}
	sink = state;
	return 0;
}

int bench_compute(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return bench_run("compute", xorshift_batch, 0);
}
