/*
 * Futexes: wait while a word holds a value, wake waiters on a word. Waiters
 * are kept on one list (a program has few at a time); each sleeps on its own
 * wait queue so a wake picks exactly the waiters it means. The scheduler has
 * no timed wait, so a wait with a timeout sleeps in slices of at most
 * FUTEX_POLL_NS and rechecks: a wake is noticed within one slice.
 */
#include <kraft/kerrno.h>
#include <kraft/ktime.h>
#include <kraft/posix_thread.h>
#include <kraft/sched.h>
#include <kraft/syscall.h>

#define FUTEX_WAIT           0
#define FUTEX_WAKE           1
#define FUTEX_REQUEUE        3
#define FUTEX_CMP_REQUEUE    4
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_NO_TIMEOUT     ((uint64_t)-1)
#define FUTEX_POLL_NS        (1 * KTIME_NS_PER_MS)

struct futex_waiter {
	volatile int *addr;
	int woken;
	struct wait_queue queue;
	struct futex_waiter *next;
};

static struct futex_waiter *waiters;

static void unlink_waiter(struct futex_waiter *w)
{
	for (struct futex_waiter **l = &waiters; *l; l = &(*l)->next)
		if (*l == w) {
			*l = w->next;
			return;
		}
}

long kfutex_wait(volatile int *addr, int val, uint64_t timeout_ns)
{
	if (*addr != val)
		return -KEAGAIN;
	struct futex_waiter w = {addr, 0, WAIT_QUEUE_INIT, waiters};
	waiters = &w;
	if (timeout_ns == FUTEX_NO_TIMEOUT) {
		while (!w.woken)
			wait_queue_sleep(&w.queue);
		return 0;
	}
	uint64_t deadline = ktime_monotonic_ns() + timeout_ns;
	for (;;) {
		if (w.woken)
			return 0;
		uint64_t now = ktime_monotonic_ns();
		if (now >= deadline) {
			unlink_waiter(&w);
			return -KETIMEDOUT;
		}
		uint64_t slice = deadline - now;
		sched_sleep_ns(slice < FUTEX_POLL_NS ? slice : FUTEX_POLL_NS);
	}
}

long kfutex_wake(volatile int *addr, int n)
{
	long woken = 0;
	struct futex_waiter **l = &waiters;
	while (*l && woken < n) {
		struct futex_waiter *w = *l;
		if (w->addr != addr) {
			l = &w->next;
			continue;
		}
		*l = w->next;
		w->woken = 1;
		wait_queue_wake_one(&w->queue);
		woken++;
	}
	return woken;
}

long kfutex_requeue(volatile int *addr, int nwake, int nmove, volatile int *to)
{
	long woken = kfutex_wake(addr, nwake);
	long moved = 0;
	for (struct futex_waiter *w = waiters; w && moved < nmove; w = w->next)
		if (w->addr == addr) {
			w->addr = to;
			moved++;
		}
	return woken + moved;
}

struct timespec_linux {
	int64_t tv_sec;
	long tv_nsec;
};

static int timeout_of(long op, const struct timespec_linux *ts, uint64_t *ns)
{
	*ns = FUTEX_NO_TIMEOUT;
	if (!ts)
		return 0;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
	    ts->tv_nsec >= (long)KTIME_NS_PER_SEC)
		return -KEINVAL;
	uint64_t t =
	    (uint64_t)ts->tv_sec * KTIME_NS_PER_SEC + (uint64_t)ts->tv_nsec;
	if ((op & ~FUTEX_CLOCK_REALTIME) == FUTEX_WAIT_BITSET) {
		/* Absolute, on the clock the flag names. */
		uint64_t now = (op & FUTEX_CLOCK_REALTIME)
		                   ? ktime_wall_ns()
		                   : ktime_monotonic_ns();
		t = t > now ? t - now : 0;
	}
	*ns = t;
	return 0;
}

static long sys_futex(long uaddr, long op, long val, long arg4, long uaddr2,
                      long val3)
{
	volatile int *addr = (volatile int *)uaddr;
	long cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	uint64_t timeout;
	int err;

	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = timeout_of(op & ~FUTEX_PRIVATE_FLAG,
		                 (const struct timespec_linux *)arg4, &timeout);
		if (err)
			return err;
		return kfutex_wait(addr, (int)val, timeout);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		return kfutex_wake(addr, (int)val);
	case FUTEX_CMP_REQUEUE:
		if (*addr != (int)val3)
			return -KEAGAIN;
		/* fall through */
	case FUTEX_REQUEUE:
		return kfutex_requeue(addr, (int)val, (int)arg4,
		                      (volatile int *)uaddr2);
	}
	return -KENOSYS;
}
KSYSCALL_REGISTER(futex, sys_futex);
