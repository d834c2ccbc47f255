/*
 * Context switch: two threads hand a turn back and forth with sched_yield; one
 * operation is one hand-over, i.e. one switch. The host build (BENCH_PIN_CPU)
 * first pins the process to one CPU, as the unikernel has one: on two CPUs the
 * threads would spin side by side and nothing would be switched.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include "bench.h"

struct relay {
	volatile uint64_t
	    turn; /* even: the main thread's, odd: the partner's */
	uint64_t last_turn;
};

static void *partner(void *argument)
{
	struct relay *relay = argument;
	for (uint64_t mine = 1; mine < relay->last_turn; mine += 2) {
		while (relay->turn != mine)
			sched_yield();
		__atomic_store_n(&relay->turn, mine + 1, __ATOMIC_RELEASE);
	}
	return 0;
}

static int switch_batch(uint64_t iterations, void *context)
{
	(void)context;
	struct relay relay = {.turn = 0, .last_turn = iterations};
	pthread_t thread;
	if (pthread_create(&thread, 0, partner, &relay) != 0)
		return -1;
	for (uint64_t mine = 0; mine < iterations; mine += 2) {
		while (relay.turn != mine)
			sched_yield();
		__atomic_store_n(&relay.turn, mine + 1, __ATOMIC_RELEASE);
	}
	return pthread_join(thread, 0) == 0 ? 0 : -1;
}

int bench_switch(int argc, char **argv)
{
	(void)argc;
	(void)argv;
#ifdef BENCH_PIN_CPU
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) != 0)
		return bench_fail("switch", "sched_setaffinity failed");
#endif
	return bench_run("switch", switch_batch, 0);
}
