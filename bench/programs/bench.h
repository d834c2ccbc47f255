/*
 * The micro-benchmarks' shared contract with bench/harness/runtime.py. Every
 * benchmark is the same source built twice: into a unikernel with the musl
 * port, and with the host's `gcc -static -O2` as a Linux process. Each times
 * itself with clock_gettime and prints
 *
 *     bench NAME ITERATIONS iterations ELAPSED ns
 *
 * for its last, timed batch; the harness divides and compares the two builds. A
 * benchmark that cannot run prints `bench-error NAME: reason` and returns 1.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

/* Each batch doubles until one takes at least this long, so a slow machine
 * (QEMU TCG) and a fast one (the host) both time a batch long enough for
 * clock_gettime's resolution and short enough to keep the suite within its
 * budget. */
#define BENCH_TARGET_NS   100000000ull
#define BENCH_FIRST_BATCH 16ull
#define BENCH_MAX_BATCH   (1ull << 32)

uint64_t bench_now_ns(void);
void bench_report(const char *name, uint64_t iterations, uint64_t elapsed_ns);
int bench_fail(const char *name, const char *reason);

/* Runs `batch(iterations, context)` with doubling iteration counts until a
 * batch lasts BENCH_TARGET_NS, then reports that batch. `batch` returns 0, or
 * -1 on failure. */
int bench_run(const char *name,
              int (*batch)(uint64_t iterations, void *context), void *context);

int bench_syscall(int argc, char **argv);
int bench_malloc(int argc, char **argv);
int bench_thread(int argc, char **argv);
int bench_switch(int argc, char **argv);
int bench_fileread(int argc, char **argv);
int bench_compute(int argc, char **argv);
int bench_memcopy(int argc, char **argv);

#endif
