/*
 * System-call round trip: getpid() does no work in either kernel, so its cost
 * is the entry and return path alone (a trap on Linux; a call into the kernel
 * with musl's port).
 */
/* kraft compiles with -std=c11: ask for the POSIX and GNU names explicitly. */
#define _GNU_SOURCE
#include <unistd.h>

#include "bench.h"

static int getpid_batch(uint64_t iterations, void *context)
{
	(void)context;
	for (uint64_t i = 0; i < iterations; i++) {
		if (getpid() <= 0)
			return -1;
	}
	return 0;
}

int bench_syscall(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return bench_run("syscall", getpid_batch, 0);
}
