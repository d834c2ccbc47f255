/*
 * nolibc <time.h> and sleeping in <unistd.h>, over the kernel clocks
 * (kraft/ktime.h). Sleeps block only the calling thread.
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <kraft/ktime.h>

time_t time(time_t *out)
{
	time_t t = (time_t)(ktime_wall_ns() / KTIME_NS_PER_SEC);
	if (out)
		*out = t;
	return t;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	uint64_t ns;

	if (clock == CLOCK_REALTIME)
		ns = ktime_wall_ns();
	else if (clock == CLOCK_MONOTONIC)
		ns = ktime_monotonic_ns();
	else {
		errno = EINVAL;
		return -1;
	}
	ts->tv_sec = (time_t)(ns / KTIME_NS_PER_SEC);
	ts->tv_nsec = (long)(ns % KTIME_NS_PER_SEC);
	return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 ||
	    req->tv_nsec >= (long)KTIME_NS_PER_SEC) {
		errno = EINVAL;
		return -1;
	}
	ksleep_ns((uint64_t)req->tv_sec * KTIME_NS_PER_SEC +
	          (uint64_t)req->tv_nsec);
	if (rem)
		*rem = (struct timespec){0, 0};
	return 0;
}

unsigned sleep(unsigned seconds)
{
	ksleep_ns(seconds * KTIME_NS_PER_SEC);
	return 0;
}

int usleep(unsigned long usec)
{
	ksleep_ns(usec * KTIME_NS_PER_US);
	return 0;
}
