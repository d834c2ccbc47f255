#include <stdio.h>
#include <time.h>

/* No _GNU_SOURCE: clock_gettime and CLOCK_MONOTONIC are visible in the default
 * dialect. */
int main(void)
{
	struct timespec a, b, res;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (volatile int i = 0; i < 100000; i++) {
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	int forward = b.tv_sec > a.tv_sec ||
	              (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
	printf("monotonic forward %d nsec in range %d\n", forward,
	       a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
	int got = clock_getres(CLOCK_MONOTONIC, &res);
	printf("getres %d positive %d\n", got,
	       res.tv_sec > 0 || res.tv_nsec > 0);
	struct timespec real;
	clock_gettime(CLOCK_REALTIME, &real);
	printf("realtime after 2020 %d\n", real.tv_sec > 1577836800);
	return 0;
}
