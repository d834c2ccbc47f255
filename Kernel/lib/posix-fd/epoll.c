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

#include "readiness.h"

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

/*
 * An interest is on its epoll's list (all of them, in ctl's order) and on
 * its node's watchers; it is also queued on the epoll's ready queue while it
 * may be ready: from when it is added or changed, or its node announces a
 * change (kfd_vnode_changed), until a wait finds it not ready. A wait checks
 * only the queue, so it costs what may be ready, not every interest. Nodes
 * that do not announce their changes (vnode_ops.readiness_announced: the
 * console, regular files, another epoll) stay queued for good, checked at
 * every wait as before.
 */
struct epoll_interest {
	int fd;
	struct kfile *file; /* what fd named when it was added */
	uint64_t serial; /* and its serial: a new file may reuse the address */
	uint32_t events;
	uint64_t data;
	int last;     /* readiness at the last report (EPOLLET) */
	int disabled; /* EPOLLONESHOT fired */
	int stale;    /* fd no longer names file: freed by ctl's next walk */
	struct epoll *ep;
	struct epoll_interest *next; /* ep->list */
	struct vnode *vn; /* watched; NULL once its last open file closed */
	struct epoll_interest *watch_next, **watch_link; /* vn->watchers */
	/* ep's ready queue; ready_link is NULL when not queued. */
	struct epoll_interest *ready_next, **ready_link;
};

struct epoll {
	struct epoll_interest *list;
	struct epoll_interest *ready, **ready_tail;
};

static void enqueue(struct epoll_interest *i)
{
	struct epoll *ep = i->ep;
	if (i->ready_link)
		return;
	i->ready_next = 0;
	i->ready_link = ep->ready_tail;
	*ep->ready_tail = i;
	ep->ready_tail = &i->ready_next;
}

static void dequeue(struct epoll_interest *i)
{
	if (!i->ready_link)
		return;
	*i->ready_link = i->ready_next;
	if (i->ready_next)
		i->ready_next->ready_link = i->ready_link;
	else
		i->ep->ready_tail = i->ready_link;
	i->ready_link = 0;
}

static void watch(struct epoll_interest *i, struct vnode *vn)
{
	i->vn = vn;
	i->watch_next = vn->watchers;
	if (vn->watchers)
		vn->watchers->watch_link = &i->watch_next;
	i->watch_link = &vn->watchers;
	vn->watchers = i;
}

static void unwatch(struct epoll_interest *i)
{
	if (!i->vn)
		return;
	*i->watch_link = i->watch_next;
	if (i->watch_next)
		i->watch_next->watch_link = i->watch_link;
	i->vn = 0;
}

/* An announced change is news for an edge-triggered interest too: it
 * reports again when ready (as Linux reports every event), not only when
 * its readiness bits differ from the last report's. */
void epoll_node_changed(struct vnode *vn)
{
	for (struct epoll_interest *i = vn->watchers; i; i = i->watch_next) {
		i->last = 0;
		enqueue(i);
	}
}

void epoll_node_closed(struct vnode *vn)
{
	for (struct epoll_interest *i = vn->watchers; i; i = i->watch_next) {
		enqueue(i); /* its next wait finds it stale */
		i->vn = 0;
	}
	vn->watchers = 0;
}

/* Whether the interest's fd still names the open file it was added for. A
 * closed fd's interest stays until found stale here; by then the fd and even
 * the freed kfile's address may belong to a new open file (nginx: a client
 * leaves, the next one is accepted on the same fd), which is not the same. */
static int names_its_file(const struct epoll_interest *i, const struct kfile *f)
{
	return f && f == i->file && f->serial == i->serial;
}

/* Off the queue and its node for good; still on ep->list until ctl's walk
 * or the epoll's end frees it. */
static void retire(struct epoll_interest *i)
{
	dequeue(i);
	unwatch(i);
	i->stale = 1;
}

static void drop(struct epoll_interest **link)
{
	struct epoll_interest *i = *link;
	*link = i->next;
	retire(i);
	kfree(i);
}

static void epoll_destroy(struct vnode *vn)
{
	struct epoll *ep = vn->data;
	while (ep->list)
		drop(&ep->list);
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

static int announced(const struct epoll_interest *i)
{
	return i->vn && i->vn->ops && i->vn->ops->readiness_announced;
}

/* What the interest reports now (0: nothing); off the queue when that will
 * not change before its node announces a change. Only counts (no state
 * changes) without c->out. */
static int check(struct epoll_call *c, struct epoll_interest *i)
{
	if (!names_its_file(i, kfd_get(i->fd))) {
		retire(i);
		return 0;
	}
	if (i->disabled) {
		dequeue(i);
		return 0;
	}
	int r = kfd_readiness(i->fd);
	int got = r < 0 ? 0 : r & (int)(i->events | EPOLL_ALWAYS);
	int report = got && !((i->events & EPOLLET) && got == i->last);
	if (c->out) {
		i->last = got;
		/* Level-triggered and ready: still ready at the next wait
		 * unless a read or write changed that, which that wait finds
		 * out. */
		if (announced(i) && (!got || (i->events & EPOLLET)))
			dequeue(i);
		if (report && (i->events & EPOLLONESHOT)) {
			i->disabled = 1;
			dequeue(i);
		}
	}
	return report ? got : 0;
}

static long scan(void *ctx)
{
	struct epoll_call *c = ctx;
	struct epoll *ep = c->ep;
	/* Reported interests that stay queued move behind the rest, so that
	 * a wait returning fewer than are ready reaches the others next. */
	struct epoll_interest *again = 0, **again_tail = &again;
	int n = 0;
	for (struct epoll_interest *i = ep->ready, *next; i && n < c->max;
	     i = next) {
		next = i->ready_next;
		int got = check(c, i);
		if (!got)
			continue;
		if (c->out) {
			c->out[n].events = (uint32_t)got;
			c->out[n].data = i->data;
			if (i->ready_link) {
				dequeue(i);
				i->ready_next = 0;
				*again_tail = i;
				again_tail = &i->ready_next;
			}
		}
		n++;
	}
	for (struct epoll_interest *i = again, *next; i; i = next) {
		next = i->ready_next;
		enqueue(i);
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
	if (ep)
		ep->ready_tail = &ep->ready;
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
	/* The walk frees the interests waits found stale on its way. */
	struct epoll_interest **l = &ep->list;
	while (*l && !((*l)->fd == fd && names_its_file(*l, f))) {
		if ((*l)->stale)
			drop(l);
		else
			l = &(*l)->next;
	}
	switch (op) {
	case EPOLL_CTL_ADD:
		if (*l)
			return -KEEXIST;
		struct epoll_interest *i = kcalloc(1, sizeof(*i));
		if (!i)
			return -KENOMEM;
		*i = (struct epoll_interest){.fd = (int)fd,
		                             .file = f,
		                             .serial = f->serial,
		                             .events = e->events,
		                             .data = e->data,
		                             .ep = ep,
		                             .next = ep->list};
		ep->list = i;
		watch(i, f->vn);
		enqueue(i);
		return 0;
	case EPOLL_CTL_MOD:
		if (!*l)
			return -KENOENT;
		(*l)->events = e->events;
		(*l)->data = e->data;
		(*l)->last = 0;
		(*l)->disabled = 0;
		enqueue(*l);
		return 0;
	case EPOLL_CTL_DEL:
		if (!*l)
			return -KENOENT;
		drop(l);
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
