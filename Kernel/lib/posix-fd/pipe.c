/*
 * Pipes: a FIFO node (not in the name tree) with a ring buffer and two
 * wait queues. Reads block while the pipe is empty and a writer remains;
 * writes block while it is full and a reader remains, and fail with EPIPE
 * (and SIGPIPE) when none does. The open files of each end are counted
 * through the node's close hook.
 */
#include <kraft/alloc.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/posix_fd.h>
#include <kraft/sched.h>
#include <kraft/syscall.h>

#define PIPE_SIZE 16384
#define SIGPIPE   13

struct pipe {
	char buf[PIPE_SIZE];
	size_t head, count;
	int readers, writers;
	struct wait_queue can_read, can_write;
};

static long pipe_read(struct vnode *vn, void *out, size_t n, uint64_t off,
                      int nonblock)
{
	struct pipe *p = vn->data;
	while (!p->count) {
		if (!p->writers)
			return 0;
		if (nonblock)
			return -KEAGAIN;
		wait_queue_sleep(&p->can_read);
	}
	size_t got = 0;
	while (got < n && p->count) {
		((char *)out)[got++] = p->buf[p->head];
		p->head = (p->head + 1) % PIPE_SIZE;
		p->count--;
	}
	wait_queue_wake_all(&p->can_write);
	kfd_vnode_changed(vn);
	return (long)got;
}

static long pipe_write(struct vnode *vn, const void *in, size_t n, uint64_t off,
                       int nonblock)
{
	struct pipe *p = vn->data;
	size_t put = 0;
	while (put < n) {
		if (!p->readers) {
			ksyscall(KSYS_kill, 1, SIGPIPE, 0, 0, 0, 0);
			return put ? (long)put : -KEPIPE;
		}
		if (p->count == PIPE_SIZE) {
			if (nonblock)
				return put ? (long)put : -KEAGAIN;
			wait_queue_wake_all(&p->can_read);
			wait_queue_sleep(&p->can_write);
			continue;
		}
		p->buf[(p->head + p->count) % PIPE_SIZE] =
		    ((const char *)in)[put++];
		p->count++;
	}
	wait_queue_wake_all(&p->can_read);
	kfd_vnode_changed(vn);
	return (long)put;
}

static int pipe_poll(struct vnode *vn)
{
	struct pipe *p = vn->data;
	int r = 0;
	if (p->count)
		r |= VFS_POLLIN;
	if (!p->writers)
		r |= VFS_POLLHUP;
	if (p->count < PIPE_SIZE && p->readers)
		r |= VFS_POLLOUT;
	if (!p->readers)
		r |= VFS_POLLERR;
	return r;
}

static void pipe_close(struct vnode *vn, int flags)
{
	struct pipe *p = vn->data;
	if ((flags & KO_ACCMODE) == KO_RDONLY)
		p->readers--;
	else
		p->writers--;
	wait_queue_wake_all(&p->can_read);
	wait_queue_wake_all(&p->can_write);
	kfd_vnode_changed(vn);
}

static void pipe_destroy(struct vnode *vn)
{
	kfree(vn->data);
}

static const struct vnode_ops pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .close = pipe_close,
    .destroy = pipe_destroy,
    .readiness_announced = 1,
};

static long sys_pipe2(long fdsp, long flags, long a2, long a3, long a4, long a5)
{
	int *fds = (int *)fdsp;
	if (flags & ~(KO_CLOEXEC | KO_NONBLOCK))
		return -KEINVAL;
	struct pipe *p = kcalloc(1, sizeof(*p));
	if (!p)
		return -KENOMEM;
	struct vnode *vn = vfs_vnode_new(VFS_S_IFIFO | 0600, &pipe_ops, p);
	if (!vn) {
		kfree(p);
		return -KENOMEM;
	}
	int extra = (int)(flags & KO_NONBLOCK);
	struct kfile *r = kfile_new(vn, KO_RDONLY | extra);
	struct kfile *w = r ? kfile_new(vn, KO_WRONLY | extra) : 0;
	if (!w) {
		if (r)
			kfile_put(r); /* frees the node */
		else
			vfs_vnode_maybe_free(vn);
		return -KENOMEM;
	}
	p->readers = p->writers = 1;
	int cloexec = (flags & KO_CLOEXEC) != 0;
	int rfd = kfd_install(r, 0, cloexec);
	int wfd = rfd < 0 ? rfd : kfd_install(w, 0, cloexec);
	if (wfd < 0) {
		if (rfd >= 0)
			ksyscall(KSYS_close, rfd, 0, 0, 0, 0, 0);
		else
			kfile_put(r);
		kfile_put(w);
		return -KEMFILE;
	}
	fds[0] = rfd;
	fds[1] = wfd;
	return 0;
}
KSYSCALL_REGISTER(pipe2, sys_pipe2);

static long sys_pipe(long fds, long a1, long a2, long a3, long a4, long a5)
{
	return sys_pipe2(fds, 0, 0, 0, 0, 0);
}
KSYSCALL_REGISTER(pipe, sys_pipe);
