/*
 * File descriptors: one table for the one process, mapping small integers
 * to open files (an open file is a node, an offset and the open flags;
 * dup'ed descriptors share one). fds 0, 1 and 2 are /dev/console at boot.
 * The open-flag values are Linux's for the architecture.
 *
 * Error contract: negative Linux errno, as the system calls return.
 */
#ifndef KRAFT_POSIX_FD_H
#define KRAFT_POSIX_FD_H

#include <stdint.h>
#include <kraft/vfs.h>

#define KO_ACCMODE  03
#define KO_RDONLY   00
#define KO_WRONLY   01
#define KO_RDWR     02
#define KO_CREAT    0100
#define KO_EXCL     0200
#define KO_NOCTTY   0400
#define KO_TRUNC    01000
#define KO_APPEND   02000
#define KO_NONBLOCK 04000
#if defined(__aarch64__) /* arm64 moves these two (its asm/fcntl.h) */
#define KO_DIRECTORY 040000
#define KO_NOFOLLOW  0100000
#else
#define KO_DIRECTORY 0200000
#define KO_NOFOLLOW  0400000
#endif
#define KO_CLOEXEC 02000000
#define KO_PATH    010000000

#define KAT_FDCWD -100

struct kfile {
	struct vnode *vn;
	uint64_t off;
	int flags;
	int refs;
	/* Never the same for two open files, even when the second sits where
	 * the first was freed: what epoll tells a reused fd apart by. */
	uint64_t serial;
};

/* A new open file on vn (counted in vn->opens); NULL when out of memory. */
struct kfile *kfile_new(struct vnode *vn, int flags);
void kfile_put(struct kfile *f);

/* The open file behind fd, or NULL. */
struct kfile *kfd_get(int fd);
/* Installs f at the lowest free fd >= min; the fd or -EMFILE. */
int kfd_install(struct kfile *f, int min, int cloexec);

/* The directory a *at() call's path is relative to (dirfd or the cwd). */
int kfd_dir_base(int dirfd, const char *path, struct vnode **base);

/* mode as a new file or directory gets it: without the umask's bits. */
uint32_t kfd_creation_mode(uint32_t mode);

/*
 * Readiness. Nodes whose readiness changes outside their own read and write
 * (sockets, whose stack runs in its own thread; eventfds; pipes) call
 * kfd_vnode_changed with the node; poll, select, epoll and blocking socket
 * calls recheck after every notification, sleeping in kfd_ready_wait in
 * between, and an epoll rechecks only the nodes named since its last wait
 * (vnode_ops.readiness_announced). vn NULL: a node no file is open on yet
 * (a connection the stack accepted before the program did): waiters wake.
 */
#define KFD_WAIT_FOREVER UINT64_MAX
void kfd_vnode_changed(struct vnode *vn);
/* Sleeps until the next notification or the monotonic deadline_ns: 0 or
 * -KETIMEDOUT. */
int kfd_ready_wait(uint64_t deadline_ns);
/* A system call's struct timespec pointer as a wait in ns (NULL: -1, no
 * limit); -EINVAL when it is negative or not normalised. */
int kfd_timeout_ns(const void *tsp, int64_t *timeout_ns);

/* fd's readiness now (VFS_POLL* bits; files without a poll hook are always
 * ready), or -EBADF. */
int kfd_readiness(int fd);
/* Calls check(ctx) until it answers non-zero (that answer is returned),
 * again after every notification (and every millisecond while a node it
 * polled signals nothing: VFS_POLL_UNNOTIFIED), for at most timeout_ns
 * (-1: no limit; 0: once); 0 when the time ran out. */
long kfd_wait_ready(long (*check)(void *ctx), void *ctx, int64_t timeout_ns);

#endif /* KRAFT_POSIX_FD_H */
