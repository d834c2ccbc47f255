/* posix-socket's own: socket files and the blocking send and receive. */
#ifndef POSIX_SOCKET_INTERNAL_H
#define POSIX_SOCKET_INTERNAL_H

#include <kraft/posix_fd.h>
#include <kraft/posix_socket.h>

#define KENOTSOCK     88
#define KEAFNOSUPPORT 97
#define KEALREADY     114
#define KEINPROGRESS  115

struct ksock {
	const struct ksocket_ops *ops;
	void *handle;
};

/* The registered operations of family, or NULL. */
const struct ksocket_ops *ksock_family_ops(int family);
/* The socket behind fd (and its open file when file is not NULL), or NULL
 * when fd is not an open socket. */
struct ksock *ksock_of(int fd, struct kfile **file);
/* A new descriptor for handle; flags: KSOCK_NONBLOCK, KSOCK_CLOEXEC. The
 * handle is closed when this fails. */
long ksock_install(const struct ksocket_ops *ops, void *handle, int flags);
/* When a blocking wait under option (KSO_RCVTIMEO, KSO_SNDTIMEO) ends:
 * KFD_WAIT_FOREVER when the socket has no such timeout. */
uint64_t ksock_deadline(struct ksock *s, int option);
/* Waits for the next readiness notification, at most until *deadline (0:
 * not known yet, read from option first): 0, or -EAGAIN when it passed. */
int ksock_wait(struct ksock *s, int option, uint64_t *deadline);
long ksock_send(struct ksock *s, const struct ksock_iovec *iov, int n,
                const void *addr, unsigned addrlen, int flags, int nonblock);
long ksock_recv(struct ksock *s, const struct ksock_iovec *iov, int n,
                void *addr, unsigned *addrlen, int flags, int nonblock,
                int *msg_flags);

#endif /* POSIX_SOCKET_INTERNAL_H */
