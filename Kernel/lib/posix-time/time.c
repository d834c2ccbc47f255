/*
 * Clocks and sleeping. CLOCK_REALTIME is kcore's wall clock; the monotonic,
 * boot-time and CPU-time clocks all read the monotonic clock (one process on
 * one CPU: its CPU time is at most the time since boot, and this keeps them
 * monotonic). Sleeps block the calling thread through ksleep_ns; they are
 * never interrupted, so the remaining time is always zero.
 */
#include <stdint.h>
#include <kraft/kerrno.h>
#include <kraft/ktime.h>
#include <kraft/syscall.h>

#define CLOCK_REALTIME           0
#define CLOCK_MONOTONIC          1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define TIMER_ABSTIME            1

struct timespec_linux {
	int64_t tv_sec;
	long tv_nsec;
};

struct timeval_linux {
	int64_t tv_sec;
	long tv_usec;
};

static int clock_now(long clock, uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = ktime_wall_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = ktime_monotonic_ns();
		return 0;
	}
	return -KEINVAL;
}

static void to_timespec(uint64_t ns, struct timespec_linux *ts)
{
	ts->tv_sec = (int64_t)(ns / KTIME_NS_PER_SEC);
	ts->tv_nsec = (long)(ns % KTIME_NS_PER_SEC);
}

/* Validates a duration; 0 or -EINVAL. */
static int from_timespec(const struct timespec_linux *ts, uint64_t *ns)
{
	if (!ts)
		return -KEFAULT;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
	    ts->tv_nsec >= (long)KTIME_NS_PER_SEC)
		return -KEINVAL;
	*ns = (uint64_t)ts->tv_sec * KTIME_NS_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

static long sys_clock_gettime(long clock, long tsp, long a2, long a3, long a4,
                              long a5)
{
	uint64_t ns;
	int err = clock_now(clock, &ns);
	if (err)
		return err;
	if (!tsp)
		return -KEFAULT;
	to_timespec(ns, (struct timespec_linux *)tsp);
	return 0;
}
KSYSCALL_REGISTER_LEAF(clock_gettime, sys_clock_gettime);

static long sys_clock_getres(long clock, long tsp, long a2, long a3, long a4,
                             long a5)
{
	uint64_t ns;
	int err = clock_now(clock, &ns);
	if (err)
		return err;
	if (tsp)
		to_timespec(1, (struct timespec_linux *)tsp);
	return 0;
}
KSYSCALL_REGISTER(clock_getres, sys_clock_getres);

static long sys_gettimeofday(long tvp, long tzp, long a2, long a3, long a4,
                             long a5)
{
	struct timeval_linux *tv = (struct timeval_linux *)tvp;
	if (tv) {
		uint64_t ns = ktime_wall_ns();
		tv->tv_sec = (int64_t)(ns / KTIME_NS_PER_SEC);
		tv->tv_usec = (long)(ns % KTIME_NS_PER_SEC / KTIME_NS_PER_US);
	}
	return 0;
}
KSYSCALL_REGISTER_LEAF(gettimeofday, sys_gettimeofday);

static long sys_time(long tp, long a1, long a2, long a3, long a4, long a5)
{
	int64_t now = (int64_t)(ktime_wall_ns() / KTIME_NS_PER_SEC);
	if (tp)
		*(int64_t *)tp = now;
	return now;
}
KSYSCALL_REGISTER(time, sys_time);

static long sys_clock_nanosleep(long clock, long flags, long reqp, long remp,
                                long a4, long a5)
{
	uint64_t now, ns;
	int err = clock_now(clock, &now);
	if (err)
		return err;
	err = from_timespec((const struct timespec_linux *)reqp, &ns);
	if (err)
		return err;
	if (flags & TIMER_ABSTIME)
		ns = ns > now ? ns - now : 0;
	if (ns)
		ksleep_ns(ns);
	if (remp && !(flags & TIMER_ABSTIME))
		to_timespec(0, (struct timespec_linux *)remp);
	return 0;
}
KSYSCALL_REGISTER(clock_nanosleep, sys_clock_nanosleep);

static long sys_nanosleep(long reqp, long remp, long a2, long a3, long a4,
                          long a5)
{
	return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, reqp, remp, 0, 0);
}
KSYSCALL_REGISTER(nanosleep, sys_nanosleep);
