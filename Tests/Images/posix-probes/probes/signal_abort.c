/* probe: alone */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

/* abort() ends the program with SIGABRT: status 134 from a shell and from kraft
 * run. */
int main(void)
{
	printf("before abort\n");
	fflush(stdout);
	abort();
}
