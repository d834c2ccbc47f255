/*
 * select and pselect6, over the descriptors' readiness like poll: a
 * descriptor is readable on POLLIN, POLLHUP or POLLERR, writable on POLLOUT
 * or POLLERR; nothing here has exceptional conditions (out-of-band data).
 * pselect6's signal mask is not applied: signals are only ever delivered
 * synchronously here.
 */
#include <kraft/kerrno.h>
#include <kraft/ktime.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>

#define FD_SETSIZE 1024
#define WORD_BITS  (8 * sizeof(unsigned long))
#define WORDS      (FD_SETSIZE / WORD_BITS)

struct fdset {
	unsigned long bits[WORDS];
};

struct select_call {
	int n;
	struct fdset *sets[3]; /* read, write, except (the caller's, or NULL) */
	struct fdset in[3];    /* what the caller asked */
};

static int has(const struct fdset *s, int fd)
{
	return (s->bits[fd / WORD_BITS] >> (fd % WORD_BITS)) & 1;
}

static void set(struct fdset *s, int fd)
{
	s->bits[fd / WORD_BITS] |= 1ul << (fd % WORD_BITS);
}

static long scan(void *ctx)
{
	struct select_call *c = ctx;
	static const int wanted[3] = {VFS_POLLIN | VFS_POLLHUP | VFS_POLLERR,
	                              VFS_POLLOUT | VFS_POLLERR, 0};
	struct fdset out[3] = {0};
	long ready = 0;
	for (int fd = 0; fd < c->n; fd++) {
		int asked = 0;
		for (int k = 0; k < 3; k++)
			asked |= c->sets[k] && has(&c->in[k], fd);
		if (!asked)
			continue;
		int r = kfd_readiness(fd);
		if (r < 0)
			return r;
		for (int k = 0; k < 3; k++)
			if (c->sets[k] && has(&c->in[k], fd) &&
			    (r & wanted[k])) {
				set(&out[k], fd);
				ready++;
			}
	}
	if (ready)
		for (int k = 0; k < 3; k++)
			if (c->sets[k])
				*c->sets[k] = out[k];
	return ready;
}

static long do_select(long n, long r, long w, long e, int64_t timeout_ns)
{
	if (n < 0 || n > FD_SETSIZE)
		return -KEINVAL;
	struct select_call c = {
	    (int)n, {(struct fdset *)r, (struct fdset *)w, (struct fdset *)e}};
	for (int k = 0; k < 3; k++)
		if (c.sets[k])
			c.in[k] = *c.sets[k];
	long ready = kfd_wait_ready(scan, &c, timeout_ns);
	if (ready == 0) /* timed out: every set comes back empty */
		for (int k = 0; k < 3; k++)
			if (c.sets[k])
				*c.sets[k] = (struct fdset){0};
	return ready;
}

struct timeval_linux {
	int64_t tv_sec, tv_usec;
};

static long sys_select(long n, long r, long w, long e, long tvp, long a5)
{
	const struct timeval_linux *tv = (const struct timeval_linux *)tvp;
	int64_t t = -1;
	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0)
			return -KEINVAL;
		t = tv->tv_sec * (int64_t)KTIME_NS_PER_SEC + tv->tv_usec * 1000;
	}
	return do_select(n, r, w, e, t);
}
KSYSCALL_REGISTER(select, sys_select);

static long sys_pselect6(long n, long r, long w, long e, long tsp, long mask)
{
	int64_t t;
	int err = kfd_timeout_ns((const void *)tsp, &t);
	if (err)
		return err;
	return do_select(n, r, w, e, t);
}
KSYSCALL_REGISTER(pselect6, sys_pselect6);
