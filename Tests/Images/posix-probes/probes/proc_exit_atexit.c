/* probe: alone */
#include <stdio.h>
#include <stdlib.h>

static void first(void)
{
	printf("registered first, runs last\n");
}
static void second(void)
{
	printf("registered second, runs first\n");
}

int main(void)
{
	atexit(first);
	atexit(second);
	printf("exiting with 3\n");
	exit(3);
}
