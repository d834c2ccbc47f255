/* <time.h> and <sys/time.h>. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include "check.h"

void run_time(void)
{
	struct timespec a, b, res;
	CHECK("time after 2020", time(0) > 1577836800);
	CHECK("clock_gettime realtime",
	      clock_gettime(CLOCK_REALTIME, &a) == 0 && a.tv_sec > 1577836800);
	clock_gettime(CLOCK_MONOTONIC, &a);
	struct timespec nap = {0, 20000000};
	CHECK("nanosleep", nanosleep(&nap, 0) == 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long long slept =
	    (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	CHECK("monotonic advances by the sleep", slept >= 20000000);
	CHECK("clock_getres",
	      clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0);
	struct timeval tv;
	CHECK("gettimeofday", gettimeofday(&tv, 0) == 0 &&
	                          tv.tv_sec > 1577836800 &&
	                          tv.tv_usec < 1000000);
	time_t t = 86400 * 365;
	struct tm tm;
	CHECK("gmtime_r",
	      gmtime_r(&t, &tm) && tm.tm_year == 71 && tm.tm_yday == 0);
	CHECK("timegm", timegm(&tm) == t);
	char buf[64];
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	CHECK("strftime", !strcmp(buf, "1971-01-01 00:00:00"));
	struct tm parsed = {0};
	CHECK("strptime",
	      strptime("2024-02-29 12:34", "%Y-%m-%d %H:%M", &parsed) &&
	          parsed.tm_mon == 1 && parsed.tm_mday == 29);
	CHECK("clock() runs", clock() >= 0);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 5000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	CHECK("clock_nanosleep absolute",
	      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, 0) == 0);
}
