/*
 * epoll: an instance is a file holding a list of interests (descriptor,
 * events, the caller's data). epoll_wait checks each interest's readiness
 * like poll does and waits on the same readiness notifications.
 * Level-triggered by default; EPOLLET reports a descriptor again only once
 * its readiness changed since the last report, EPOLLONESHOT disables an
 * interest after one report. An interest whose descriptor was closed (or
 * now names another open file) is dropped, as Linux drops it with the file.
 * The signal masks of epoll_pwait/pwait2 are not applied (signals are only
 * ever delivered synchronously here).
 */
#include <kraft/alloc.h>
#include <kraft/kerrno.h>
#include <kraft/ktime.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLET       (1u << 31)
#define EPOLLONESHOT  (1u << 30)
#define EPOLL_ALWAYS  (VFS_POLLERR | VFS_POLLHUP)
#define EPOLL_MAX     4096

/* Linux's struct epoll_event: packed on x86_64 only. */
struct epoll_event_linux {
	uint32_t events;
	uint64_t data;
}
#if defined(__x86_64__)
__attribute__((packed))
#endif
;

struct interest {
	int fd;
	struct kfile *file; /* what fd named when it was added */
	uint64_t serial;    /* and its serial: a new file may reuse the address */
	uint32_t events;
	uint64_t data;
	int last;     /* readiness at the last report (EPOLLET) */
	int disabled; /* EPOLLONESHOT fired */
	struct interest *next;
};

struct epoll {
	struct interest *list;
};

/* Whether the interest's fd still names the open file it was added for. A
 * closed fd's interest stays until found stale here; by then the fd and even
 * the freed kfile's address may belong to a new open file (nginx: a client
 * leaves, the next one is accepted on the same fd), which is not the same. */
static int names_its_file(const struct interest *i, const struct kfile *f)
{
	return f && f == i->file && f->serial == i->serial;
}

static void drop(struct epoll *ep, struct interest **link)
{
	struct interest *i = *link;
	*link = i->next;
	kfree(i);
}

static void epoll_destroy(struct vnode *vn)
{
	struct epoll *ep = vn->data;
	while (ep->list)
		drop(ep, &ep->list);
	kfree(ep);
}

static int epoll_poll(struct vnode *vn);

static const struct vnode_ops epoll_ops = {
    .poll = epoll_poll,
    .destroy = epoll_destroy,
};

struct epoll_call {
	struct epoll *ep;
	struct epoll_event_linux *out; /* NULL: only count */
	int max;
};

static long scan(void *ctx)
{
	struct epoll_call *c = ctx;
	int n = 0;
	for (struct interest **l = &c->ep->list; *l && n < c->max;) {
		struct interest *i = *l;
		if (!names_its_file(i, kfd_get(i->fd))) {
			drop(c->ep, l);
			continue;
		}
		l = &i->next;
		if (i->disabled)
			continue;
		int r = kfd_readiness(i->fd);
		int got = r < 0 ? 0 : r & (int)(i->events | EPOLL_ALWAYS);
		if ((i->events & EPOLLET) && got == i->last)
			continue;
		if (!c->out) {
			n += got != 0;
			continue;
		}
		i->last = got;
		if (!got)
			continue;
		c->out[n].events = (uint32_t)got;
		c->out[n].data = i->data;
		n++;
		if (i->events & EPOLLONESHOT)
			i->disabled = 1;
	}
	return n;
}

static int epoll_poll(struct vnode *vn)
{
	struct epoll_call c = {vn->data, 0, EPOLL_MAX};
	return scan(&c) ? VFS_POLLIN : 0;
}

static struct epoll *epoll_of(long epfd)
{
	struct kfile *f = kfd_get((int)epfd);
	return f && f->vn->ops == &epoll_ops ? f->vn->data : 0;
}

static long sys_epoll_create1(long flags, long a1, long a2, long a3, long a4,
                              long a5)
{
	if (flags & ~(long)KO_CLOEXEC)
		return -KEINVAL;
	struct epoll *ep = kcalloc(1, sizeof(*ep));
	struct vnode *vn = ep ? vfs_vnode_new(0600, &epoll_ops, ep) : 0;
	struct kfile *f = vn ? kfile_new(vn, KO_RDWR) : 0;
	if (!f) {
		if (vn)
			vfs_vnode_maybe_free(vn);
		else
			kfree(ep);
		return -KENOMEM;
	}
	int fd = kfd_install(f, 0, (flags & KO_CLOEXEC) != 0);
	if (fd < 0)
		kfile_put(f);
	return fd;
}
KSYSCALL_REGISTER(epoll_create1, sys_epoll_create1);

static long sys_epoll_create(long size, long a1, long a2, long a3, long a4,
                             long a5)
{
	return size <= 0 ? -KEINVAL : sys_epoll_create1(0, 0, 0, 0, 0, 0);
}
KSYSCALL_REGISTER(epoll_create, sys_epoll_create);

static long sys_epoll_ctl(long epfd, long op, long fd, long eventp, long a4,
                          long a5)
{
	struct epoll *ep = epoll_of(epfd);
	struct kfile *f = kfd_get((int)fd);
	if (!ep || !f)
		return -KEBADF;
	if (fd == epfd)
		return -KEINVAL;
	const struct epoll_event_linux *e =
	    (const struct epoll_event_linux *)eventp;
	struct interest **l = &ep->list;
	while (*l && !((*l)->fd == fd && names_its_file(*l, f)))
		l = &(*l)->next;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (*l)
			return -KEEXIST;
		struct interest *i = kcalloc(1, sizeof(*i));
		if (!i)
			return -KENOMEM;
		*i = (struct interest){.fd = (int)fd,
		                       .file = f,
		                       .serial = f->serial,
		                       .events = e->events,
		                       .data = e->data,
		                       .next = ep->list};
		ep->list = i;
		return 0;
	case EPOLL_CTL_MOD:
		if (!*l)
			return -KENOENT;
		(*l)->events = e->events;
		(*l)->data = e->data;
		(*l)->last = 0;
		(*l)->disabled = 0;
		return 0;
	case EPOLL_CTL_DEL:
		if (!*l)
			return -KENOENT;
		drop(ep, l);
		return 0;
	}
	return -KEINVAL;
}
KSYSCALL_REGISTER(epoll_ctl, sys_epoll_ctl);

static long do_wait(long epfd, long events, long max, int64_t timeout_ns)
{
	struct epoll *ep = epoll_of(epfd);
	if (!ep)
		return -KEBADF;
	if (max <= 0 || max > EPOLL_MAX)
		return -KEINVAL;
	struct epoll_call c = {ep, (struct epoll_event_linux *)events,
	                       (int)max};
	return kfd_wait_ready(scan, &c, timeout_ns);
}

static int64_t ms_to_ns(long timeout_ms)
{
	return timeout_ms < 0 ? -1
	                      : (int64_t)timeout_ms * (int64_t)KTIME_NS_PER_MS;
}

static long sys_epoll_wait(long epfd, long events, long max, long timeout_ms,
                           long a4, long a5)
{
	return do_wait(epfd, events, max, ms_to_ns(timeout_ms));
}
KSYSCALL_REGISTER(epoll_wait, sys_epoll_wait);

static long sys_epoll_pwait(long epfd, long events, long max, long timeout_ms,
                            long sigmask, long size)
{
	return do_wait(epfd, events, max, ms_to_ns(timeout_ms));
}
KSYSCALL_REGISTER(epoll_pwait, sys_epoll_pwait);

static long sys_epoll_pwait2(long epfd, long events, long max, long tsp,
                             long sigmask, long size)
{
	int64_t t;
	int err = kfd_timeout_ns((const void *)tsp, &t);
	if (err)
		return err;
	return do_wait(epfd, events, max, t);
}
KSYSCALL_REGISTER(epoll_pwait2, sys_epoll_pwait2);
