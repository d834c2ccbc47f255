/*
 * One program for every runtime benchmark, so the unikernel (and its libc) is
 * built once: the first argument names the benchmark, the rest are its own.
 * `-n N` before the name runs one batch of exactly N iterations after the
 * warm-up instead of doubling: two such runs under an instruction counter
 * (bench/insn-profile/runtime_profile.py) give the cost per operation as their
 * difference, whatever the start-up costs.
 */
/* kraft compiles with -std=c11: ask for the POSIX and GNU names explicitly. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} benchmarks[] = {
    {"syscall", bench_syscall},   {"malloc", bench_malloc},
    {"thread", bench_thread},     {"switch", bench_switch},
    {"fileread", bench_fileread}, {"compute", bench_compute},
    {"memcopy", bench_memcopy},
};

uint64_t bench_now_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

void bench_report(const char *name, uint64_t iterations, uint64_t elapsed_ns)
{
	printf("bench %s %llu iterations %llu ns\n", name,
	       (unsigned long long)iterations, (unsigned long long)elapsed_ns);
	fflush(stdout);
}

int bench_fail(const char *name, const char *reason)
{
	printf("bench-error %s: %s\n", name, reason);
	fflush(stdout);
	return 1;
}

/* 0: double each batch until one lasts BENCH_TARGET_NS; else `-n`'s count. */
static uint64_t fixed_iterations;

int bench_run(const char *name,
              int (*batch)(uint64_t iterations, void *context), void *context)
{
	/* One untimed batch first: the first run of a path pays for QEMU's
	 * translation of its code, which on a busy machine alone can last
	 * BENCH_TARGET_NS and would then be reported as the figure. */
	if (batch(BENCH_FIRST_BATCH, context) != 0)
		return bench_fail(name, "a batch failed");
	if (fixed_iterations) {
		uint64_t start = bench_now_ns();
		if (batch(fixed_iterations, context) != 0)
			return bench_fail(name, "a batch failed");
		bench_report(name, fixed_iterations, bench_now_ns() - start);
		return 0;
	}
	for (uint64_t iterations = BENCH_FIRST_BATCH;
	     iterations <= BENCH_MAX_BATCH; iterations *= 2) {
		uint64_t start = bench_now_ns();
		if (batch(iterations, context) != 0)
			return bench_fail(name, "a batch failed");
		uint64_t elapsed = bench_now_ns() - start;
		if (elapsed >= BENCH_TARGET_NS) {
			bench_report(name, iterations, elapsed);
			return 0;
		}
	}
	return bench_fail(name, "the clock did not advance");
}

int main(int argc, char *argv[])
{
	if (argc >= 3 && strcmp(argv[1], "-n") == 0) {
		char *end;
		fixed_iterations = strtoull(argv[2], &end, 10);
		if (*end != '\0' || fixed_iterations == 0)
			return bench_fail("main", "-n takes a positive count");
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return bench_fail("main",
		                  "name a benchmark as the first argument");
	for (size_t i = 0; i < sizeof(benchmarks) / sizeof(benchmarks[0]);
	     i++) {
		if (strcmp(argv[1], benchmarks[i].name) == 0)
			return benchmarks[i].run(argc - 1, argv + 1);
	}
	return bench_fail(argv[1], "no such benchmark");
}
