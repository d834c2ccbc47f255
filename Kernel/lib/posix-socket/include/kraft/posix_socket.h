/*
 * Sockets: the socket system calls and socket file descriptors, over the
 * address families a network stack registers (the lwIP port registers
 * AF_INET and AF_INET6) with KSOCKET_FAMILY_REGISTER; this library never
 * names a stack.
 *
 * A family's operations take and return Linux's values (addresses in
 * Linux's sockaddr layout, Linux's option and flag numbers) and never
 * block: an operation that would wait returns -EAGAIN (connect:
 * -EINPROGRESS), and this library does the waiting, on the descriptors'
 * readiness wait queue (kfd_ready_wait), which the stack wakes through
 * kfd_vnode_changed, with the socket's node (attach), whenever a socket's
 * state changes.
 *
 * Error contract: negative Linux errno, as the system calls return.
 */
#ifndef KRAFT_POSIX_SOCKET_H
#define KRAFT_POSIX_SOCKET_H

#include <stddef.h>
#include <stdint.h>

struct vnode;

/* Linux's struct iovec. */
struct ksock_iovec {
	void *base;
	size_t len;
};

/* Linux's values the library itself looks at. */
#define KAF_UNSPEC     0
#define KAF_INET       2
#define KAF_INET6      10
#define KSOCK_STREAM   1
#define KSOCK_DGRAM    2
#define KSOCK_NONBLOCK 04000
#define KSOCK_CLOEXEC  02000000
#define KSOL_SOCKET    1
#define KSO_ERROR      4
#define KSO_RCVTIMEO   20
#define KSO_SNDTIMEO   21
#define KMSG_DONTWAIT  0x40
#define KMSG_NOSIGNAL  0x4000
#define KFIONREAD      0x541B

struct ksocket_ops {
	/* A new socket of this family: its handle in *sock. */
	long (*create)(int family, int type, int protocol, void **sock);
	long (*bind)(void *sock, const void *addr, unsigned len);
	long (*listen)(void *sock, int backlog);
	/* The next connection as a new socket; the peer's address (cut to
	 * *len, *len set to its full length) when addr is not NULL. */
	long (*accept)(void *sock, void **conn, void *addr, unsigned *len);
	long (*connect)(void *sock, const void *addr, unsigned len);
	/* Bytes sent (stream sockets may send part). */
	long (*sendmsg)(void *sock, const struct ksock_iovec *iov, int iovcnt,
	                const void *addr, unsigned addrlen, int flags);
	/* Bytes received; 0 at the end of a stream. addr/addrlen: as accept.
	 * *msg_flags gets the MSG_* flags of the message (MSG_TRUNC). */
	long (*recvmsg)(void *sock, const struct ksock_iovec *iov, int iovcnt,
	                void *addr, unsigned *addrlen, int flags,
	                int *msg_flags);
	long (*shutdown)(void *sock, int how);
	long (*getsockopt)(void *sock, int level, int name, void *val,
	                   unsigned *len);
	long (*setsockopt)(void *sock, int level, int name, const void *val,
	                   unsigned len);
	long (*getsockname)(void *sock, void *addr, unsigned *len);
	long (*getpeername)(void *sock, void *addr, unsigned *len);
	/* Readiness now, as VFS_POLL* bits (Linux's POLL* values). */
	int (*poll)(void *sock);
	/* FIONREAD and the stack's own requests; -ENOTTY for others. */
	long (*ioctl)(void *sock, unsigned long request, void *arg);
	void (*close)(void *sock);
	/* Optional: vn is the node the socket was installed as, until close;
	 * the stack names it in kfd_vnode_changed. */
	void (*attach)(void *sock, struct vnode *vn);
};

struct ksocket_family {
	int family; /* KAF_* */
	const struct ksocket_ops *ops;
};

/* Registers ops as the implementation of the family (e.g. KAF_INET). */
#define KSOCKET_FAMILY_REGISTER(name, fam, fam_ops)                            \
	static const struct ksocket_family ksocket_family_##name               \
	    __attribute__((used, retain, section("ksocket_families"),          \
	                   aligned(sizeof(long)))) = {fam, fam_ops}

#endif /* KRAFT_POSIX_SOCKET_H */
