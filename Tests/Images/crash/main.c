/*
 * Ways for an application to end, for the boot tests of the exit contract
 * (kraft/abi.h). No argument: a write through a NULL pointer (a crash).
 * "overflow": recursion until the stack runs into its guard page;
 * "thread-overflow": the same on a thread's stack (the kernel's thread API,
 * as nolibc has no pthreads). "oom": the kernel itself runs out of memory
 * (a page allocation it cannot do without). "abort": abort(). "exit N":
 * exit(N).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kraft/alloc.h>
#include <kraft/sched.h>

/* noinline and volatile: the compiler may not fold the fault away. */
__attribute__((noinline)) static void write_through(int *volatile p)
{
	*p = 42;
}

__attribute__((noinline)) static int recurse(volatile int depth)
{
	volatile char pad[256];

	if (depth < 0) /* never: it only keeps the compiler from objecting */
		return 0;
	pad[0] = (char)depth;
	return recurse(depth + 1) + pad[0];
}

static void *recurse_in_thread(void *arg)
{
	(void)arg;
	recurse(0);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "exit")) {
		printf("crash: exiting with %d\n", atoi(argv[2]));
		exit(atoi(argv[2]));
	}
	if (argc > 1 && !strcmp(argv[1], "abort")) {
		puts("crash: aborting");
		abort();
	}
	if (argc > 1 && !strcmp(argv[1], "overflow")) {
		puts("crash: recursing until the stack overflows");
		return recurse(0);
	}
	if (argc > 1 && !strcmp(argv[1], "thread-overflow")) {
		struct thread *t;
		puts("crash: recursing on a thread until its stack overflows");
		if (sched_thread_create(&t, "deep", recurse_in_thread, NULL))
			return 2;
		return sched_join(t, NULL);
	}
	if (argc > 1 && !strcmp(argv[1], "oom")) {
		puts("crash: asking the kernel for 4 TiB of pages");
		kpage_alloc_or_panic(30, "the crash test");
		return 0;
	}
	puts("crash: writing through a NULL pointer");
	write_through(NULL);
	puts("crash: still alive, which is wrong");
	return 0;
}
