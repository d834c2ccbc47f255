/*
 * Thread create + join: one operation starts a thread that returns at once and
 * waits for it, so the figure is the cost of a stack, a scheduler entry and two
 * switches.
 */
/* kraft compiles with -std=c11: ask for the POSIX and GNU names explicitly. */
#define _GNU_SOURCE
#include <pthread.h>

#include "bench.h"

static char token;

static void *return_at_once(void *argument)
{
	return argument;
}

static int thread_batch(uint64_t iterations, void *context)
{
	(void)context;
	for (uint64_t i = 0; i < iterations; i++) {
		pthread_t thread;
		void *result = 0;
		if (pthread_create(&thread, 0, return_at_once, &token) != 0)
			return -1;
		if (pthread_join(thread, &result) != 0 || result != &token)
			return -1;
	}
	return 0;
}

int bench_thread(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return bench_run("thread", thread_batch, 0);
}
