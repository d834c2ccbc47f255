/*
 * A deliberate crash, for the crash-report test: a write through a NULL
 * pointer. With the argument "overflow" it instead recurses until the stack
 * runs into its guard page.
 */
#include <stdio.h>
#include <string.h>

/* noinline and volatile: the compiler may not fold the fault away. */
__attribute__((noinline)) static void write_through(int *volatile p)
{
	*p = 42;
}

__attribute__((noinline)) static int recurse(volatile int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	return recurse(depth + 1) + pad[0];
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "overflow")) {
		puts("crash: recursing until the stack overflows");
		return recurse(0);
	}
	puts("crash: writing through a NULL pointer");
	write_through(NULL);
	puts("crash: still alive, which is wrong");
	return 0;
}
