/*
 * The smallest kraft application: print a greeting and exit with status 0.
 * printf comes from the kernel's minimal C runtime (nolibc) until a libc port
 * is selected; the text reaches the serial console unchanged.
 */
#include <stdio.h>

int main(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	printf("Hello, world!\n");
	return 0;
}
