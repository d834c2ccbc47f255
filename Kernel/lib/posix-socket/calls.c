/*
 * The socket system calls: each finds the socket behind its descriptor
 * (-EBADF, or -ENOTSOCK for another kind of file) and calls the family's
 * operation; accept and connect wait here when the file is blocking.
 */
#include <kraft/kerrno.h>
#include <kraft/syscall.h>
#include "socket_internal.h"

#define IOV_MAX 1024

/* Linux's struct msghdr. */
struct msghdr_linux {
	void *name;
	unsigned namelen;
	struct ksock_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	int flags;
};

static long lookup(long fd, struct ksock **s, struct kfile **f)
{
	*s = ksock_of((int)fd, f);
	if (*s)
		return 0;
	return kfd_get((int)fd) ? -KENOTSOCK : -KEBADF;
}

#define SOCKET_OR_RETURN(fd, s, f)                                             \
	struct ksock *s;                                                       \
	struct kfile *f;                                                       \
	do {                                                                   \
		long err_ = lookup(fd, &s, &f);                                \
		if (err_)                                                      \
			return err_;                                           \
	} while (0)

static long sys_socket(long family, long type, long protocol, long a3, long a4,
                       long a5)
{
	const struct ksocket_ops *ops = ksock_family_ops((int)family);
	if (!ops)
		return -KEAFNOSUPPORT;
	int flags = (int)(type & (KSOCK_NONBLOCK | KSOCK_CLOEXEC));
	void *handle;
	long r = ops->create((int)family, (int)(type & ~flags), (int)protocol,
	                     &handle);
	return r < 0 ? r : ksock_install(ops, handle, flags);
}
KSYSCALL_REGISTER(socket, sys_socket);

static long sys_bind(long fd, long addr, long len, long a3, long a4, long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	return s->ops->bind(s->handle, (const void *)addr, (unsigned)len);
}
KSYSCALL_REGISTER(bind, sys_bind);

static long sys_listen(long fd, long backlog, long a2, long a3, long a4,
                       long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	return s->ops->listen(s->handle, (int)backlog);
}
KSYSCALL_REGISTER(listen, sys_listen);

static long sys_accept4(long fd, long addr, long lenp, long flags, long a4,
                        long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	if (flags & ~(long)(KSOCK_NONBLOCK | KSOCK_CLOEXEC))
		return -KEINVAL;
	void *conn;
	uint64_t deadline = 0;
	long r;
	while ((r = s->ops->accept(s->handle, &conn, (void *)addr,
	                           (unsigned *)lenp)) == -KEAGAIN &&
	       !(f->flags & KO_NONBLOCK) &&
	       !(r = ksock_wait(s, KSO_RCVTIMEO, &deadline)))
		;
	return r < 0 ? r : ksock_install(s->ops, conn, (int)flags);
}
KSYSCALL_REGISTER(accept4, sys_accept4);

static long sys_accept(long fd, long addr, long lenp, long a3, long a4, long a5)
{
	return sys_accept4(fd, addr, lenp, 0, 0, 0);
}
KSYSCALL_REGISTER(accept, sys_accept);

static long sys_connect(long fd, long addr, long len, long a3, long a4, long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	long r = s->ops->connect(s->handle, (const void *)addr, (unsigned)len);
	if (r != -KEINPROGRESS || (f->flags & KO_NONBLOCK))
		return r;
	/* Blocking: wait until the stack says how it went, then its answer
	 * is the socket's pending error. */
	while (!(s->ops->poll(s->handle) &
	         (VFS_POLLOUT | VFS_POLLERR | VFS_POLLHUP)))
		kfd_ready_wait(KFD_WAIT_FOREVER);
	int err = 0;
	unsigned len_err = sizeof(err);
	r = s->ops->getsockopt(s->handle, KSOL_SOCKET, KSO_ERROR, &err,
	                       &len_err);
	return r < 0 ? r : -err;
}
KSYSCALL_REGISTER(connect, sys_connect);

static long sys_sendto(long fd, long buf, long n, long flags, long addr,
                       long addrlen)
{
	SOCKET_OR_RETURN(fd, s, f);
	struct ksock_iovec iov = {(void *)buf, (size_t)n};
	return ksock_send(s, &iov, 1, (const void *)addr, (unsigned)addrlen,
	                  (int)flags, f->flags & KO_NONBLOCK);
}
KSYSCALL_REGISTER(sendto, sys_sendto);

static long sys_sendmsg(long fd, long msgp, long flags, long a3, long a4,
                        long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	const struct msghdr_linux *m = (const struct msghdr_linux *)msgp;
	if (m->iovlen > IOV_MAX)
		return -KEINVAL;
	return ksock_send(s, m->iov, (int)m->iovlen, m->name, m->namelen,
	                  (int)flags, f->flags & KO_NONBLOCK);
}
KSYSCALL_REGISTER(sendmsg, sys_sendmsg);

static long sys_recvfrom(long fd, long buf, long n, long flags, long addr,
                         long addrlenp)
{
	SOCKET_OR_RETURN(fd, s, f);
	struct ksock_iovec iov = {(void *)buf, (size_t)n};
	return ksock_recv(s, &iov, 1, (void *)addr, (unsigned *)addrlenp,
	                  (int)flags, f->flags & KO_NONBLOCK, 0);
}
KSYSCALL_REGISTER(recvfrom, sys_recvfrom);

static long sys_recvmsg(long fd, long msgp, long flags, long a3, long a4,
                        long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	struct msghdr_linux *m = (struct msghdr_linux *)msgp;
	if (m->iovlen > IOV_MAX)
		return -KEINVAL;
	m->controllen = 0; /* no ancillary data */
	m->flags = 0;
	return ksock_recv(s, m->iov, (int)m->iovlen, m->name,
	                  m->name ? &m->namelen : 0, (int)flags,
	                  f->flags & KO_NONBLOCK, &m->flags);
}
KSYSCALL_REGISTER(recvmsg, sys_recvmsg);

static long sys_shutdown(long fd, long how, long a2, long a3, long a4, long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	long r = s->ops->shutdown(s->handle, (int)how);
	kfd_vnode_changed(f->vn);
	return r;
}
KSYSCALL_REGISTER(shutdown, sys_shutdown);

static long sys_getsockopt(long fd, long level, long name, long val, long lenp,
                           long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	return s->ops->getsockopt(s->handle, (int)level, (int)name, (void *)val,
	                          (unsigned *)lenp);
}
KSYSCALL_REGISTER(getsockopt, sys_getsockopt);

static long sys_setsockopt(long fd, long level, long name, long val, long len,
                           long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	return s->ops->setsockopt(s->handle, (int)level, (int)name,
	                          (const void *)val, (unsigned)len);
}
KSYSCALL_REGISTER(setsockopt, sys_setsockopt);

static long sys_getsockname(long fd, long addr, long lenp, long a3, long a4,
                            long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	return s->ops->getsockname(s->handle, (void *)addr, (unsigned *)lenp);
}
KSYSCALL_REGISTER(getsockname, sys_getsockname);

static long sys_getpeername(long fd, long addr, long lenp, long a3, long a4,
                            long a5)
{
	SOCKET_OR_RETURN(fd, s, f);
	return s->ops->getpeername(s->handle, (void *)addr, (unsigned *)lenp);
}
KSYSCALL_REGISTER(getpeername, sys_getpeername);
