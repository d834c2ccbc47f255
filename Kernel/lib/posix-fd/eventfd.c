/*
 * eventfd: a 64-bit counter as a file. write adds to it, read returns it
 * and resets it (or, with EFD_SEMAPHORE, returns 1 and decrements it);
 * reads wait while it is zero, writes while the sum would pass the largest
 * value. Readers and writers recheck after every readiness notification,
 * which every change sends, so poll and epoll see the counter too.
 */
#include <kraft/alloc.h>
#include <kraft/kerrno.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>

#define EFD_SEMAPHORE 1
#define EVENTFD_MAX   UINT64_C(0xfffffffffffffffe)

struct eventfd {
	uint64_t count;
	int semaphore;
};

static long eventfd_read(struct vnode *vn, void *buf, size_t n, uint64_t off,
                         int nonblock)
{
	struct eventfd *e = vn->data;
	if (n < sizeof(uint64_t))
		return -KEINVAL;
	while (!e->count) {
		if (nonblock)
			return -KEAGAIN;
		kfd_ready_wait(KFD_WAIT_FOREVER);
	}
	uint64_t value = e->semaphore ? 1 : e->count;
	e->count -= value;
	*(uint64_t *)buf = value;
	kfd_vnode_changed(vn);
	return sizeof(uint64_t);
}

static long eventfd_write(struct vnode *vn, const void *buf, size_t n,
                          uint64_t off, int nonblock)
{
	struct eventfd *e = vn->data;
	if (n < sizeof(uint64_t))
		return -KEINVAL;
	uint64_t value = *(const uint64_t *)buf;
	if (value > EVENTFD_MAX)
		return -KEINVAL;
	while (EVENTFD_MAX - e->count < value) {
		if (nonblock)
			return -KEAGAIN;
		kfd_ready_wait(KFD_WAIT_FOREVER);
	}
	e->count += value;
	kfd_vnode_changed(vn);
	return sizeof(uint64_t);
}

static int eventfd_poll(struct vnode *vn)
{
	struct eventfd *e = vn->data;
	return (e->count ? VFS_POLLIN : 0) |
	       (e->count < EVENTFD_MAX ? VFS_POLLOUT : 0);
}

static void eventfd_destroy(struct vnode *vn)
{
	kfree(vn->data);
}

static const struct vnode_ops eventfd_ops = {
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .destroy = eventfd_destroy,
    .readiness_announced = 1,
};

static long sys_eventfd2(long initval, long flags, long a2, long a3, long a4,
                         long a5)
{
	if (flags & ~(long)(KO_CLOEXEC | KO_NONBLOCK | EFD_SEMAPHORE))
		return -KEINVAL;
	struct eventfd *e = kcalloc(1, sizeof(*e));
	struct vnode *vn = e ? vfs_vnode_new(0600, &eventfd_ops, e) : 0;
	struct kfile *f =
	    vn ? kfile_new(vn, KO_RDWR | (flags & KO_NONBLOCK)) : 0;
	if (!f) {
		if (vn)
			vfs_vnode_maybe_free(vn);
		else
			kfree(e);
		return -KENOMEM;
	}
	e->count = (unsigned)initval;
	e->semaphore = (flags & EFD_SEMAPHORE) != 0;
	int fd = kfd_install(f, 0, (flags & KO_CLOEXEC) != 0);
	if (fd < 0)
		kfile_put(f);
	return fd;
}
KSYSCALL_REGISTER(eventfd2, sys_eventfd2);

static long sys_eventfd(long initval, long a1, long a2, long a3, long a4,
                        long a5)
{
	return sys_eventfd2(initval, 0, 0, 0, 0, 0);
}
KSYSCALL_REGISTER(eventfd, sys_eventfd);
