/*
 * poll and ppoll, and the waiting that select and epoll share
 * (kfd_wait_ready). Nodes report readiness through their poll hook. A waiting
 * poll rechecks after every readiness notification (sockets, pipes: see
 * kfd_ready_wait), and every POLL_SLICE_NS only while a node it polled
 * said that it signals nothing (VFS_POLL_UNNOTIFIED: console input is only
 * ever polled). Sockets, pipes and eventfds notify, so a server waiting on
 * them sleeps until a notification or its own timeout: no timer is armed
 * every millisecond, nor reprogrammed on every idle between two requests.
 * Regular files and devices are always ready.
 */
#include <kraft/irq.h>
#include <kraft/kerrno.h>
#include <kraft/ktime.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>

#define POLL_SLICE_NS (1 * KTIME_NS_PER_MS)
#define POLLNVAL      0x020
#define POLL_ALWAYS   (VFS_POLLERR | VFS_POLLHUP | POLLNVAL)

struct pollfd_linux {
	int fd;
	short events, revents;
};

/* Linux's struct timespec layout on both architectures. */
int kfd_timeout_ns(const void *tsp, int64_t *timeout_ns)
{
	const struct timespec_linux {
		int64_t tv_sec;
		long tv_nsec;
	} *ts = tsp;
	*timeout_ns = -1;
	if (!ts)
		return 0;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
	    ts->tv_nsec >= (long)KTIME_NS_PER_SEC)
		return -KEINVAL;
	*timeout_ns = ts->tv_sec * (int64_t)KTIME_NS_PER_SEC + ts->tv_nsec;
	return 0;
}

/* Set by kfd_readiness when a node polled since kfd_wait_ready's last
 * check signals nothing; threads are cooperative, so no other waiter's
 * check runs in between. */
static bool polled_unnotified;

int kfd_readiness(int fd)
{
	struct kfile *f = kfd_get(fd);
	if (!f)
		return -KEBADF;
	if (!f->vn->ops || !f->vn->ops->poll)
		return VFS_POLLIN | VFS_POLLOUT;
	int r = f->vn->ops->poll(f->vn);
	if (r & VFS_POLL_UNNOTIFIED)
		polled_unnotified = true;
	return r & ~VFS_POLL_UNNOTIFIED;
}

long kfd_wait_ready(long (*check)(void *), void *ctx, int64_t timeout_ns)
{
	uint64_t deadline = ktime_monotonic_ns() + (uint64_t)timeout_ns;
	/* Work queued for thread context runs before readiness is read, even
	 * when something is ready and nothing waits: a network stack's
	 * deferred device flush sends everything written since the last wait
	 * with one notification, and received frames are taken in. */
	kirq_run_deferred();
	for (;;) {
		polled_unnotified = false;
		long ready = check(ctx);
		if (ready || timeout_ns == 0)
			return ready;
		uint64_t now = ktime_monotonic_ns();
		if (timeout_ns > 0 && now >= deadline)
			return 0;
		uint64_t wake = timeout_ns > 0 ? deadline : KFD_WAIT_FOREVER;
		if (polled_unnotified && (wake == KFD_WAIT_FOREVER ||
		                          wake - now > POLL_SLICE_NS))
			wake = now + POLL_SLICE_NS;
		kfd_ready_wait(wake);
	}
}

struct poll_set {
	struct pollfd_linux *fds;
	unsigned long n;
};

static long scan(void *ctx)
{
	struct poll_set *set = ctx;
	long ready = 0;
	for (unsigned long i = 0; i < set->n; i++) {
		struct pollfd_linux *p = &set->fds[i];
		p->revents = 0;
		if (p->fd < 0)
			continue;
		int r = kfd_readiness(p->fd);
		if (r < 0)
			r = POLLNVAL;
		p->revents = (short)(r & (p->events | POLL_ALWAYS));
		if (p->revents)
			ready++;
	}
	return ready;
}

/* timeout_ns: -1 waits for ever. */
static long do_poll(struct pollfd_linux *fds, unsigned long n,
                    int64_t timeout_ns)
{
	if (n > 1024)
		return -KEINVAL;
	struct poll_set set = {fds, n};
	return kfd_wait_ready(scan, &set, timeout_ns);
}

static long sys_poll(long fds, long n, long timeout_ms, long a3, long a4,
                     long a5)
{
	int64_t t = timeout_ms < 0
	                ? -1
	                : (int64_t)timeout_ms * (int64_t)KTIME_NS_PER_MS;
	return do_poll((struct pollfd_linux *)fds, (unsigned long)n, t);
}
KSYSCALL_REGISTER(poll, sys_poll);

static long sys_ppoll(long fds, long n, long tsp, long sigmask, long size,
                      long a5)
{
	int64_t t;
	int err = kfd_timeout_ns((const void *)tsp, &t);
	if (err)
		return err;
	return do_poll((struct pollfd_linux *)fds, (unsigned long)n, t);
}
KSYSCALL_REGISTER(ppoll, sys_ppoll);
