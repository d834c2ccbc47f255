#include <stdio.h>
#include <stdlib.h>

/* The runner's environment holds PROBE_COLOUR=blue (kraft's env:, or the host
 * test's). */
int main(void)
{
	printf("PROBE_COLOUR=%s\n", getenv("PROBE_COLOUR"));
	printf("missing %s\n", getenv("PROBE_MISSING") ? "set" : "unset");
	return 0;
}
