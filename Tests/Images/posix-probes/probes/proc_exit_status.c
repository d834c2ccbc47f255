/* probe: alone */
#include <stdio.h>

/* main's return value is the exit status; stdout is flushed on the way out. */
int main(void)
{
	printf("returning 42");
	return 42;
}
