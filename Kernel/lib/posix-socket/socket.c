/*
 * Socket files: a node (S_IFSOCK, in no directory) whose data is the
 * family's operations and the stack's handle, so read, write, poll, ioctl
 * and close on a socket descriptor reach the stack like the socket calls do.
 * Blocking is done here, never in the stack: an operation is retried after
 * each readiness notification until it stops answering -EAGAIN, or at once
 * when the file is non-blocking; SO_RCVTIMEO and SO_SNDTIMEO (kept by the
 * stack) bound the wait, after which the call fails with -EAGAIN as on Linux.
 */
#include <kraft/alloc.h>
#include <kraft/kerrno.h>
#include <kraft/ktime.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>
#include "socket_internal.h"

extern const struct ksocket_family __start_ksocket_families[],
    __stop_ksocket_families[];

const struct ksocket_ops *ksock_family_ops(int family)
{
	for (const struct ksocket_family *f = __start_ksocket_families;
	     f < __stop_ksocket_families; f++)
		if (f->family == family)
			return f->ops;
	return 0;
}

static long sock_read(struct vnode *vn, void *buf, size_t n, uint64_t off,
                      int nonblock)
{
	struct ksock_iovec iov = {buf, n};
	return ksock_recv(vn->data, &iov, 1, 0, 0, 0, nonblock, 0);
}

static long sock_write(struct vnode *vn, const void *buf, size_t n,
                       uint64_t off, int nonblock)
{
	struct ksock_iovec iov = {(void *)buf, n};
	return ksock_send(vn->data, &iov, 1, 0, 0, 0, nonblock);
}

/* writev: all pieces in one send (the family's sendmsg takes a vector). */
static long sock_writev(struct vnode *vn, const struct vfs_iovec *iov, int n,
                        uint64_t off, int nonblock)
{
	_Static_assert(sizeof(struct vfs_iovec) == sizeof(struct ksock_iovec),
	               "one iovec layout");
	return ksock_send(vn->data, (const struct ksock_iovec *)iov, n, 0, 0, 0,
	                  nonblock);
}

static int sock_poll(struct vnode *vn)
{
	struct ksock *s = vn->data;
	return s->ops->poll(s->handle);
}

static int sock_ioctl(struct vnode *vn, unsigned long request, void *arg)
{
	struct ksock *s = vn->data;
	return (int)s->ops->ioctl(s->handle, request, arg);
}

static void sock_close(struct vnode *vn, int flags)
{
	struct ksock *s = vn->data;
	s->ops->close(s->handle);
	s->handle = 0;
	kfd_vnode_changed(vn); /* a poll on the closed socket answers now */
}

static void sock_destroy(struct vnode *vn)
{
	kfree(vn->data);
}

static const struct vnode_ops sock_ops = {
    .read = sock_read,
    .write = sock_write,
    .poll = sock_poll,
    .ioctl = sock_ioctl,
    .close = sock_close,
    .destroy = sock_destroy,
    .writev = sock_writev,
    .readiness_announced = 1,
};

struct ksock *ksock_of(int fd, struct kfile **file)
{
	struct kfile *f = kfd_get(fd);
	if (!f || f->vn->ops != &sock_ops)
		return 0;
	if (file)
		*file = f;
	return f->vn->data;
}

long ksock_install(const struct ksocket_ops *ops, void *handle, int flags)
{
	struct ksock *s = kcalloc(1, sizeof(*s));
	struct vnode *vn =
	    s ? vfs_vnode_new(VFS_S_IFSOCK | 0777, &sock_ops, s) : 0;
	struct kfile *f =
	    vn ? kfile_new(vn, KO_RDWR | (flags & KO_NONBLOCK)) : 0;
	if (!f) {
		if (vn)
			vfs_vnode_maybe_free(vn); /* frees s */
		else
			kfree(s);
		ops->close(handle);
		return -KENOMEM;
	}
	s->ops = ops;
	s->handle = handle;
	if (ops->attach)
		ops->attach(handle, vn);
	int fd = kfd_install(f, 0, (flags & KSOCK_CLOEXEC) != 0);
	if (fd < 0)
		kfile_put(f); /* closes the handle */
	return fd;
}

uint64_t ksock_deadline(struct ksock *s, int option)
{
	struct {
		int64_t sec, usec;
	} tv = {0, 0};
	unsigned len = sizeof(tv);
	if (s->ops->getsockopt(s->handle, KSOL_SOCKET, option, &tv, &len) ||
	    (!tv.sec && !tv.usec) || tv.sec < 0 || tv.usec < 0)
		return KFD_WAIT_FOREVER;
	return ktime_monotonic_ns() + (uint64_t)tv.sec * KTIME_NS_PER_SEC +
	       (uint64_t)tv.usec * 1000;
}

int ksock_wait(struct ksock *s, int option, uint64_t *deadline)
{
	if (!*deadline)
		*deadline = ksock_deadline(s, option);
	return kfd_ready_wait(*deadline) ? -KEAGAIN : 0;
}

/* The part of iov after the first done bytes, in out (at most n entries). */
static int iov_advance(const struct ksock_iovec *iov, int n, size_t done,
                       struct ksock_iovec *out)
{
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (done >= iov[i].len) {
			done -= iov[i].len;
			continue;
		}
		out[m].base = (char *)iov[i].base + done;
		out[m].len = iov[i].len - done;
		done = 0;
		m++;
	}
	return m;
}

long ksock_send(struct ksock *s, const struct ksock_iovec *iov, int n,
                const void *addr, unsigned addrlen, int flags, int nonblock)
{
	size_t total = 0, sent = 0;
	for (int i = 0; i < n; i++)
		total += iov[i].len;
	nonblock |= (flags & KMSG_DONTWAIT) != 0;
	struct ksock_iovec *rest = 0;
	uint64_t deadline = 0;
	long r;
	for (;;) {
		const struct ksock_iovec *v = iov;
		int m = n;
		if (sent) { /* a blocking stream send sends everything */
			if (!rest && !(rest = kmalloc(sizeof(*rest) * n)))
				return (long)sent;
			m = iov_advance(iov, n, sent, rest);
			v = rest;
		}
		r = s->ops->sendmsg(s->handle, v, m, addr, addrlen,
		                    flags | KMSG_DONTWAIT);
		if (r > 0) {
			sent += (size_t)r;
			if (sent >= total || nonblock)
				break;
			continue;
		}
		if (r == -KEAGAIN && !nonblock &&
		    !(r = ksock_wait(s, KSO_SNDTIMEO, &deadline)))
			continue;
		break;
	}
	kfree(rest);
	if (r == -KEPIPE && !sent && !(flags & KMSG_NOSIGNAL))
		ksyscall(KSYS_kill, 1, 13 /* SIGPIPE */, 0, 0, 0, 0);
	return sent ? (long)sent : r;
}

long ksock_recv(struct ksock *s, const struct ksock_iovec *iov, int n,
                void *addr, unsigned *addrlen, int flags, int nonblock,
                int *msg_flags)
{
	int ignored;
	uint64_t deadline = 0;
	nonblock |= (flags & KMSG_DONTWAIT) != 0;
	for (;;) {
		long r = s->ops->recvmsg(s->handle, iov, n, addr, addrlen,
		                         flags | KMSG_DONTWAIT,
		                         msg_flags ? msg_flags : &ignored);
		if (r != -KEAGAIN || nonblock)
			return r;
		if (ksock_wait(s, KSO_RCVTIMEO, &deadline))
			return -KEAGAIN;
	}
}
