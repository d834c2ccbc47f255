#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec now, deadline;
	clock_gettime(CLOCK_MONOTONIC, &now);
	deadline = now;
	deadline.tv_nsec += 15 * 1000 * 1000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	int rc =
	    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL);
	clock_gettime(CLOCK_MONOTONIC, &now);
	int after =
	    now.tv_sec > deadline.tv_sec ||
	    (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
	printf("absolute %d reached %d\n", rc, after);
	struct timespec rel = {0, 5 * 1000 * 1000};
	printf("relative %d\n",
	       clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, NULL));
	printf("clock() nonnegative %d\n", clock() >= 0);
	return 0;
}
