/*
 * Ways for an application to end, for the boot tests of the exit contract
 * (kraft/abi.h). No argument: a write through a NULL pointer (a crash).
 * "overflow": recursion until the stack runs into its guard page;
 * "thread-overflow": the same on a thread's stack (the kernel's thread API,
 * as nolibc has no pthreads). "oom": the kernel itself runs out of memory
 * (a page allocation it cannot do without). "abort": abort(). "exit N":
 * exit(N). W^X, each a page fault: "write-text" (a store into main's
 * code), "write-rodata" (into a constant), "exec-data" and "exec-stack"
 * (a call to a return instruction placed in .data or on the stack) and
 * "exec-heap" (the same in a heap block).
 */
#include <stdint.h>
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

static const int constant = 7;

/* A return instruction: what exec-* modes place and call. */
#if defined(__x86_64__)
static const unsigned char ret_insn[] = {0xc3};
#else
static const unsigned char ret_insn[] = {0xc0, 0x03, 0x5f, 0xd6};
#endif
static unsigned char data_code[16] = {1}; /* initialised: .data, not .bss */

__attribute__((noinline)) static void call_into(unsigned char *code)
{
	memcpy(code, ret_insn, sizeof(ret_insn));
	printf("crash: calling %p\n", (void *)code);
	((void (*)(void))(uintptr_t)code)();
	puts("crash: still alive, which is wrong");
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
	if (argc > 1 && !strcmp(argv[1], "write-text")) {
		puts("crash: writing into the code");
		write_through((int *)(uintptr_t)main);
		puts("crash: still alive, which is wrong");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "write-rodata")) {
		puts("crash: writing into a constant");
		write_through((int *)(uintptr_t)&constant);
		printf("crash: still alive, which is wrong (%d)\n", constant);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "exec-data")) {
		call_into(data_code);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "exec-stack")) {
		unsigned char code[16];
		call_into(code);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "exec-heap")) {
		call_into(malloc(16));
		return 0;
	}
	puts("crash: writing through a NULL pointer");
	write_through(NULL);
	puts("crash: still alive, which is wrong");
	return 0;
}
