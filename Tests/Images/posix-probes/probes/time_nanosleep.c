#include <stdio.h>
#include <time.h>

/* No _GNU_SOURCE: nanosleep is visible in the default dialect. */
int main(void)
{
	struct timespec start, end, pause = {0, 20 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &start);
	int rc = nanosleep(&pause, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	long elapsed = (end.tv_sec - start.tv_sec) * 1000000000L +
	               (end.tv_nsec - start.tv_nsec);
	printf("nanosleep %d slept at least 20ms %d\n", rc,
	       elapsed >= 20 * 1000 * 1000);
	struct timespec bad = {0, 1000000000};
	printf("invalid %d\n", nanosleep(&bad, NULL));
	return 0;
}
