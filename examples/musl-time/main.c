/*
 * Time under musl: the wall clock (time, gettimeofday, clock_gettime) is
 * after 2020 when the VM has an RTC, the monotonic clock never goes back,
 * and nanosleep sleeps at least as long as asked.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

int main(void)
{
	time_t now = time(0);
	struct tm tm;
	char when[64];
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("time() says %s\n", when);
	if (tm.tm_year + 1900 < 2020) {
		puts("the wall clock is before 2020");
		return 1;
	}

	struct timespec t0, t1, nap = {0, 50 * 1000 * 1000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 4; i++)
		nanosleep(&nap, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double slept = since(&t0, &t1);
	printf("4 x nanosleep(50 ms) took at least 0.2 s: %s\n",
	       slept >= 0.2 ? "yes" : "no");
	if (slept < 0.2)
		return 1;

	struct timeval tv;
	gettimeofday(&tv, 0);
	if (tv.tv_sec < now || tv.tv_sec > now + 60) {
		puts("gettimeofday disagrees with time()");
		return 1;
	}
	puts("time: ok");
	return 0;
}
