/*
 * lwIP's sockets as the kernel's AF_INET and AF_INET6 (posix-socket): each
 * operation calls lwIP's socket API without blocking (MSG_DONTWAIT, or the
 * socket kept in lwIP's non-blocking mode), and translates between Linux's
 * values, which the kernel's callers use, and lwIP's own (its sockaddr has a
 * length byte before the family, its option, flag and poll numbers are BSD's).
 * A failed lwIP call leaves its error in kraft_lwip_errno; it is read at
 * once, before anything can switch threads.
 */
#include <kraft/posix_fd.h>
#include <kraft/posix_socket.h>

#include "lwip/priv/sockets_priv.h"
#include "lwip/sockets.h"

int kraft_lwip_errno;

#define LINUX_SO_REUSEADDR  2
#define LINUX_SO_TYPE       3
#define LINUX_SO_ERROR      4
#define LINUX_SO_BROADCAST  6
#define LINUX_SO_SNDBUF     7
#define LINUX_SO_RCVBUF     8
#define LINUX_SO_KEEPALIVE  9
#define LINUX_SO_LINGER     13
#define LINUX_SO_RCVTIMEO   20
#define LINUX_SO_SNDTIMEO   21
#define LINUX_SO_ACCEPTCONN 30
#define LINUX_TCP_KEEPIDLE  4
#define LINUX_TCP_KEEPINTVL 5
#define LINUX_TCP_KEEPCNT   6
#define LINUX_IPV6_V6ONLY   26
#define LINUX_MSG_OOB       0x1
#define LINUX_MSG_PEEK      0x2
#define LINUX_MSG_TRUNC     0x20
#define LINUX_MSG_WAITALL   0x100
#define LINUX_MSG_MORE      0x8000
#define ENOPROTOOPT_LINUX   92

/* Sockets whose connect is in progress: lwIP reports a refused connection
 * as a reset (ECONNRESET), Linux as ECONNREFUSED. */
static unsigned char connecting[MEMP_NUM_NETCONN];

static int refused(int fd, int err)
{
	if (fd < 0 || fd >= MEMP_NUM_NETCONN || !connecting[fd])
		return err;
	if (err)
		connecting[fd] = 0;
	return err == ECONNRESET ? ECONNREFUSED : err;
}

/* The node each socket was installed as (attach): what its events name. */
static struct vnode *node_of[MEMP_NUM_NETCONN];

void kraft_lwip_socket_event(int s)
{
	kfd_vnode_changed(s >= 0 && s < MEMP_NUM_NETCONN ? node_of[s] : 0);
}

/* The handle of a socket is its lwIP descriptor, plus one (NULL is none). */
static int fd_of(void *sock)
{
	return (int)(intptr_t)sock - 1;
}

static void *handle_of(int fd)
{
	return (void *)(intptr_t)(fd + 1);
}

static void lwip_attach_op(void *sock, struct vnode *vn)
{
	node_of[fd_of(sock)] = vn;
}

static long failed(void)
{
	return -(long)kraft_lwip_errno;
}

/* Linux's sockaddr (a 16-bit family) into lwIP's (length, 8-bit family). */
static int addr_in(const void *linux_addr, unsigned len,
                   struct sockaddr_storage *out)
{
	if (len < 2 || len > sizeof(*out))
		return -EINVAL;
	memcpy(out, linux_addr, len);
	unsigned family = ((const uint8_t *)linux_addr)[0] |
	                  ((const uint8_t *)linux_addr)[1] << 8;
	out->s2_len = (u8_t)len;
	out->ss_family = (sa_family_t)family;
	return 0;
}

/* lwIP's sockaddr (got bytes) out to Linux's, cut to *len; *len becomes its
 * full length, as the calls return it. */
static void addr_out(const struct sockaddr_storage *in, unsigned got,
                     void *linux_addr, unsigned *len)
{
	uint8_t tmp[sizeof(*in)];
	memcpy(tmp, in, got);
	tmp[0] = (uint8_t)in->ss_family;
	tmp[1] = 0;
	memcpy(linux_addr, tmp, got < *len ? got : *len);
	*len = got;
}

static int msg_flags_in(int flags)
{
	int out = MSG_DONTWAIT;
	if (flags & LINUX_MSG_PEEK)
		out |= MSG_PEEK;
	if (flags & LINUX_MSG_OOB)
		out |= MSG_OOB;
	if (flags & LINUX_MSG_MORE)
		out |= MSG_MORE;
	return out;
}

static long lwip_create(int family, int type, int protocol, void **sock)
{
	int fd = lwip_socket(family, type, protocol);
	if (fd < 0)
		return failed();
	lwip_fcntl(fd, F_SETFL, O_NONBLOCK); /* accept, connect: no waits */
	*sock = handle_of(fd);
	return 0;
}

static long lwip_bind_op(void *sock, const void *addr, unsigned len)
{
	struct sockaddr_storage a;
	int err = addr_in(addr, len, &a);
	if (err)
		return err;
	if (lwip_bind(fd_of(sock), (struct sockaddr *)&a, len) < 0)
		return failed();
	return 0;
}

static long lwip_listen_op(void *sock, int backlog)
{
	if (backlog > 255 || backlog < 0) /* lwIP's backlog is a byte */
		backlog = 255;
	return lwip_listen(fd_of(sock), backlog) < 0 ? failed() : 0;
}

static long lwip_accept_op(void *sock, void **conn, void *addr, unsigned *len)
{
	struct sockaddr_storage a;
	socklen_t alen = sizeof(a);
	int fd = lwip_accept(fd_of(sock), (struct sockaddr *)&a, &alen);
	if (fd < 0)
		return failed();
	lwip_fcntl(fd, F_SETFL, O_NONBLOCK);
	if (addr)
		addr_out(&a, alen, addr, len);
	*conn = handle_of(fd);
	return 0;
}

static long lwip_connect_op(void *sock, const void *addr, unsigned len)
{
	struct sockaddr_storage a;
	int err = addr_in(addr, len, &a);
	if (err)
		return err;
	if (a.ss_family == AF_UNSPEC)
		a.s2_len = sizeof(struct sockaddr_in);
	int fd = fd_of(sock);
	if (lwip_connect(fd, (struct sockaddr *)&a, a.s2_len) == 0) {
		connecting[fd] = 0;
		return 0;
	}
	err = refused(fd, kraft_lwip_errno);
	if (err == EINPROGRESS)
		connecting[fd] = 1;
	return -err;
}

static long lwip_sendmsg_op(void *sock, const struct ksock_iovec *iov,
                            int iovcnt, const void *addr, unsigned addrlen,
                            int flags)
{
	struct sockaddr_storage a;
	struct msghdr m = {0};
	if (addr) {
		int err = addr_in(addr, addrlen, &a);
		if (err)
			return err;
		m.msg_name = &a;
		m.msg_namelen = addrlen;
	}
	m.msg_iov = (struct iovec *)iov; /* the same layout */
	m.msg_iovlen = iovcnt;
	ssize_t r = lwip_sendmsg(fd_of(sock), &m, msg_flags_in(flags));
	return r < 0 ? failed() : (long)r;
}

static long lwip_recvmsg_op(void *sock, const struct ksock_iovec *iov,
                            int iovcnt, void *addr, unsigned *addrlen,
                            int flags, int *msg_flags)
{
	struct sockaddr_storage a;
	struct msghdr m = {0};
	m.msg_name = &a;
	m.msg_namelen = sizeof(a);
	m.msg_iov = (struct iovec *)iov;
	m.msg_iovlen = iovcnt;
	ssize_t r = lwip_recvmsg(fd_of(sock), &m, msg_flags_in(flags));
	if (r < 0)
		return failed();
	*msg_flags = (m.msg_flags & MSG_TRUNC) ? LINUX_MSG_TRUNC : 0;
	if (addr && addrlen) {
		if (m.msg_namelen)
			addr_out(&a, m.msg_namelen, addr, addrlen);
		else
			*addrlen = 0;
	}
	return (long)r;
}

static long lwip_shutdown_op(void *sock, int how)
{
	return lwip_shutdown(fd_of(sock), how) < 0 ? failed() : 0;
}

/* Linux's (level, name) as lwIP's; 0 when lwIP has no such option. */
static int option_in(int *level, int *name)
{
	static const int socket_options[][2] = {
	    {LINUX_SO_REUSEADDR, SO_REUSEADDR},
	    {LINUX_SO_TYPE, SO_TYPE},
	    {LINUX_SO_ERROR, SO_ERROR},
	    {LINUX_SO_BROADCAST, SO_BROADCAST},
	    {LINUX_SO_SNDBUF, SO_SNDBUF},
	    {LINUX_SO_RCVBUF, SO_RCVBUF},
	    {LINUX_SO_KEEPALIVE, SO_KEEPALIVE},
	    {LINUX_SO_LINGER, SO_LINGER},
	    {LINUX_SO_RCVTIMEO, SO_RCVTIMEO},
	    {LINUX_SO_SNDTIMEO, SO_SNDTIMEO},
	    {LINUX_SO_ACCEPTCONN, SO_ACCEPTCONN},
	};
	static const int tcp_options[][2] = {
	    {TCP_NODELAY, TCP_NODELAY},
	    {LINUX_TCP_KEEPIDLE, TCP_KEEPIDLE},
	    {LINUX_TCP_KEEPINTVL, TCP_KEEPINTVL},
	    {LINUX_TCP_KEEPCNT, TCP_KEEPCNT},
	};
	const int(*table)[2] = 0;
	unsigned n = 0;
	if (*level == KSOL_SOCKET) {
		*level = SOL_SOCKET;
		table = socket_options;
		n = sizeof(socket_options) / sizeof(socket_options[0]);
	} else if (*level == IPPROTO_TCP) {
		table = tcp_options;
		n = sizeof(tcp_options) / sizeof(tcp_options[0]);
	} else if (*level == IPPROTO_IP) {
		return *name == IP_TOS || *name == IP_TTL;
	} else if (*level == IPPROTO_IPV6) {
		if (*name != LINUX_IPV6_V6ONLY)
			return 0;
		*name = IPV6_V6ONLY;
		return 1;
	}
	for (unsigned i = 0; i < n; i++)
		if (table[i][0] == *name) {
			*name = table[i][1];
			return 1;
		}
	return 0;
}

static long lwip_getsockopt_op(void *sock, int level, int name, void *val,
                               unsigned *len)
{
	if (!option_in(&level, &name))
		return -ENOPROTOOPT_LINUX;
	socklen_t l = *len;
	if (lwip_getsockopt(fd_of(sock), level, name, val, &l) < 0)
		return failed();
	*len = l;
	if (level == SOL_SOCKET && name == SO_ERROR && l >= sizeof(int))
		*(int *)val = refused(fd_of(sock), *(int *)val);
	return 0;
}

static long lwip_setsockopt_op(void *sock, int level, int name, const void *val,
                               unsigned len)
{
	if (!option_in(&level, &name))
		return -ENOPROTOOPT_LINUX;
	return lwip_setsockopt(fd_of(sock), level, name, val, len) < 0
	           ? failed()
	           : 0;
}

static long name_op(int (*get)(int, struct sockaddr *, socklen_t *), void *sock,
                    void *addr, unsigned *len)
{
	struct sockaddr_storage a;
	socklen_t alen = sizeof(a);
	if (get(fd_of(sock), (struct sockaddr *)&a, &alen) < 0)
		return failed();
	addr_out(&a, alen, addr, len);
	return 0;
}

static long lwip_getsockname_op(void *sock, void *addr, unsigned *len)
{
	return name_op(lwip_getsockname, sock, addr, len);
}

static long lwip_getpeername_op(void *sock, void *addr, unsigned *len)
{
	return name_op(lwip_getpeername, sock, addr, len);
}

/* What lwip_poll(fd, POLLIN | POLLOUT, 0) says, read from the socket itself:
 * the four fields lwIP's pollscan reads. lwip_poll also takes and drops a
 * use count per descriptor and reads them under SYS_ARCH_PROTECT, for
 * threads that preempt each other; the kernel's threads are cooperative.
 * This runs for each descriptor every epoll_wait, poll or select checks,
 * several times per request of a server: through lwip_poll it was about
 * 150 guest instructions each. */
static int lwip_poll_op(void *sock)
{
	struct lwip_sock *s = lwip_socket_dbg_get_socket(fd_of(sock));
	if (!s)
		return VFS_POLLERR;
	int r = 0;
	if (s->lastdata.pbuf || s->rcvevent > 0)
		r |= VFS_POLLIN;
	if (s->sendevent)
		r |= VFS_POLLOUT;
	if (s->errevent)
		r |= VFS_POLLERR;
	return r;
}

static long lwip_ioctl_op(void *sock, unsigned long request, void *arg)
{
	if (request != KFIONREAD)
		return -ENOTTY;
	int n = 0;
	if (lwip_ioctl(fd_of(sock), FIONREAD, &n) < 0)
		return failed();
	*(int *)arg = n;
	return 0;
}

static void lwip_close_op(void *sock)
{
	connecting[fd_of(sock)] = 0;
	node_of[fd_of(sock)] = 0;
	lwip_close(fd_of(sock));
}

static const struct ksocket_ops lwip_socket_ops = {
    .create = lwip_create,
    .bind = lwip_bind_op,
    .listen = lwip_listen_op,
    .accept = lwip_accept_op,
    .connect = lwip_connect_op,
    .sendmsg = lwip_sendmsg_op,
    .recvmsg = lwip_recvmsg_op,
    .shutdown = lwip_shutdown_op,
    .getsockopt = lwip_getsockopt_op,
    .setsockopt = lwip_setsockopt_op,
    .getsockname = lwip_getsockname_op,
    .getpeername = lwip_getpeername_op,
    .poll = lwip_poll_op,
    .ioctl = lwip_ioctl_op,
    .close = lwip_close_op,
    .attach = lwip_attach_op,
};

#if LWIP_IPV4
KSOCKET_FAMILY_REGISTER(lwip_inet, KAF_INET, &lwip_socket_ops);
#endif
#if LWIP_IPV6
KSOCKET_FAMILY_REGISTER(lwip_inet6, KAF_INET6, &lwip_socket_ops);
#endif
