/*
 * The descriptor table and the calls that work on open descriptors: read,
 * write and their vector and positioned forms, lseek, close, dup*, fcntl,
 * ioctl, ftruncate, fsync. Each open file holds a reference on its node;
 * the node's own close hook runs when its last open file goes (pipes count
 * their readers and writers that way).
 */
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kinit.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>

#include "readiness.h"

#ifndef CONFIG_POSIX_FD_MAX
#define CONFIG_POSIX_FD_MAX 256
#endif

#define SEEK_SET        0
#define SEEK_CUR        1
#define SEEK_END        2
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_GETLK         5
#define F_SETLK         6
#define F_SETLKW        7
#define F_RDLCK         0
#define F_WRLCK         1
#define F_UNLCK         2
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1
#define IOV_MAX         1024
#define FIONBIO         0x5421

/* Linux's struct iovec: the VFS's vector piece. */
#define iovec_linux vfs_iovec

/* Linux's struct flock on 64-bit architectures. */
struct flock_linux {
	short type;
	short whence;
	long start;
	long len;
	int pid;
};

static struct kfile *table[CONFIG_POSIX_FD_MAX];
static unsigned char cloexec[CONFIG_POSIX_FD_MAX];

struct kfile *kfile_new(struct vnode *vn, int flags)
{
	struct kfile *f = kcalloc(1, sizeof(*f));
	if (!f)
		return 0;
	static uint64_t serials;
	f->vn = vn;
	f->flags = flags & ~KO_CLOEXEC;
	f->refs = 1;
	f->serial = ++serials;
	vn->opens++;
	return f;
}

void kfile_put(struct kfile *f)
{
	if (--f->refs)
		return;
	struct vnode *vn = f->vn;
	vn->opens--;
	if (vn->ops && vn->ops->close)
		vn->ops->close(vn, f->flags);
	if (!vn->opens)
		epoll_node_closed(vn);
	kfree(f);
	vfs_vnode_maybe_free(vn);
}

struct kfile *kfd_get(int fd)
{
	if (fd < 0 || fd >= CONFIG_POSIX_FD_MAX)
		return 0;
	return table[fd];
}

int kfd_install(struct kfile *f, int min, int close_on_exec)
{
	for (int fd = min < 0 ? 0 : min; fd < CONFIG_POSIX_FD_MAX; fd++)
		if (!table[fd]) {
			table[fd] = f;
			cloexec[fd] = (unsigned char)close_on_exec;
			return fd;
		}
	return -KEMFILE;
}

int kfd_dir_base(int dirfd, const char *path, struct vnode **base)
{
	if ((path && *path == '/') || dirfd == KAT_FDCWD) {
		*base = vfs_cwd();
		return 0;
	}
	struct kfile *f = kfd_get(dirfd);
	if (!f)
		return -KEBADF;
	if ((f->vn->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return -KENOTDIR;
	*base = f->vn;
	return 0;
}

/* File descriptors 0, 1 and 2 on /dev/console, after every file system. */
static int stdio_init(void)
{
	struct vnode *console;
	if (vfs_lookup(vfs_root(), "/dev/console", &console))
		kpanic("no /dev/console for stdin, stdout and stderr");
	for (int fd = 0; fd < 3; fd++) {
		struct kfile *f = kfile_new(console, KO_RDWR);
		if (!f)
			kpanic("out of memory opening the console");
		table[fd] = f;
	}
	return 0;
}
KINIT_REGISTER(stdio_init, KINIT_LEVEL_LATE);

static int is_dir(struct kfile *f)
{
	return (f->vn->mode & VFS_S_IFMT) == VFS_S_IFDIR;
}

static int seekable(struct kfile *f)
{
	uint32_t t = f->vn->mode & VFS_S_IFMT;
	return t == VFS_S_IFREG || t == VFS_S_IFDIR;
}

static long do_read(struct kfile *f, void *buf, size_t n, uint64_t *off)
{
	if ((f->flags & KO_ACCMODE) == KO_WRONLY || (f->flags & KO_PATH))
		return -KEBADF;
	if (is_dir(f))
		return -KEISDIR;
	if (!f->vn->ops || !f->vn->ops->read)
		return -KEINVAL;
	long r = f->vn->ops->read(f->vn, buf, n, *off, f->flags & KO_NONBLOCK);
	if (r > 0)
		*off += (uint64_t)r;
	return r;
}

static long do_write(struct kfile *f, const void *buf, size_t n, uint64_t *off)
{
	if ((f->flags & KO_ACCMODE) == KO_RDONLY || (f->flags & KO_PATH))
		return -KEBADF;
	if (!f->vn->ops || !f->vn->ops->write)
		return -KEINVAL;
	long r = f->vn->ops->write(f->vn, buf, n, *off, f->flags & KO_NONBLOCK);
	if (r > 0)
		*off += (uint64_t)r;
	return r;
}

/* Reads of f never wait (a file in RAM): read, pread64 and readv of it are
 * leaf calls, reached from ksyscall with no dispatcher around them; on any
 * other node (a pipe, a socket, the console) they go through
 * ksyscall_may_block, as every call that may block does. */
static int reads_never_wait(const struct kfile *f)
{
	return f->vn->ops && f->vn->ops->reads_never_wait;
}

/* The body of each of those leaves: read runs in place when fd's reads never
 * wait, else under ksyscall_may_block. */
static inline long read_as_leaf(ksyscall_fn read, long fd, long a1, long a2,
                                long a3)
{
	struct kfile *f = kfd_get((int)fd);
	if (f && reads_never_wait(f))
		return read(fd, a1, a2, a3, 0, 0);
	return ksyscall_may_block(read, fd, a1, a2, a3, 0);
}

static long read_at_offset(long fd, long buf, long n, long a3, long a4,
                           long a5)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f)
		return -KEBADF;
	return do_read(f, (void *)buf, (size_t)n, &f->off);
}

static long sys_read(long fd, long buf, long n, long a3, long a4, long a5)
{
	return read_as_leaf(read_at_offset, fd, buf, n, 0);
}
KSYSCALL_REGISTER_LEAF(read, sys_read);

static long sys_write(long fd, long buf, long n, long a3, long a4, long a5)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f)
		return -KEBADF;
	if (f->flags & KO_APPEND)
		f->off = f->vn->size;
	return do_write(f, (const void *)buf, (size_t)n, &f->off);
}
KSYSCALL_REGISTER(write, sys_write);

/* pread64 and pwrite64: I/O at off without moving the file offset. */
static long positioned_io(long fd, long buf, long n, long off, int write)
{
	struct kfile *f = kfd_get((int)fd);
	uint64_t pos = (uint64_t)off;
	if (!f)
		return -KEBADF;
	if (!seekable(f))
		return -KESPIPE;
	if (off < 0)
		return -KEINVAL;
	return write ? do_write(f, (const void *)buf, (size_t)n, &pos)
	             : do_read(f, (void *)buf, (size_t)n, &pos);
}

static long read_positioned(long fd, long buf, long n, long off, long a4,
                            long a5)
{
	return positioned_io(fd, buf, n, off, 0);
}

static long sys_pread64(long fd, long buf, long n, long off, long a4, long a5)
{
	return read_as_leaf(read_positioned, fd, buf, n, off);
}
KSYSCALL_REGISTER_LEAF(pread64, sys_pread64);

static long sys_pwrite64(long fd, long buf, long n, long off, long a4, long a5)
{
	return positioned_io(fd, buf, n, off, 1);
}
KSYSCALL_REGISTER(pwrite64, sys_pwrite64);

/* writev on a node that takes the whole vector at once (a socket). */
static long do_writev(struct kfile *f, const struct vfs_iovec *iov, int n)
{
	if ((f->flags & KO_ACCMODE) == KO_RDONLY || (f->flags & KO_PATH))
		return -KEBADF;
	long r = f->vn->ops->writev(f->vn, iov, n, f->off,
	                            f->flags & KO_NONBLOCK);
	if (r > 0)
		f->off += (uint64_t)r;
	return r;
}

/* readv/writev: stop at the first short transfer, as Linux does. */
static long vector_io(long fd, long iovp, long cnt, int write)
{
	const struct iovec_linux *iov = (const struct iovec_linux *)iovp;
	struct kfile *f = kfd_get((int)fd);
	long total = 0;
	if (!f)
		return -KEBADF;
	if (cnt < 0 || cnt > IOV_MAX)
		return -KEINVAL;
	if (write && (f->flags & KO_APPEND))
		f->off = f->vn->size;
	if (write && cnt && f->vn->ops && f->vn->ops->writev)
		return do_writev(f, iov, (int)cnt);
	for (long i = 0; i < cnt; i++) {
		if (!iov[i].len)
			continue;
		long r = write ? do_write(f, iov[i].base, iov[i].len, &f->off)
		               : do_read(f, iov[i].base, iov[i].len, &f->off);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov[i].len)
			break;
	}
	return total;
}

static long read_vector(long fd, long iov, long cnt, long a3, long a4, long a5)
{
	return vector_io(fd, iov, cnt, 0);
}

/* musl's stdio reads through readv (its buffer and the caller's). */
static long sys_readv(long fd, long iov, long cnt, long a3, long a4, long a5)
{
	return read_as_leaf(read_vector, fd, iov, cnt, 0);
}
KSYSCALL_REGISTER_LEAF(readv, sys_readv);

static long sys_writev(long fd, long iov, long cnt, long a3, long a4, long a5)
{
	return vector_io(fd, iov, cnt, 1);
}
KSYSCALL_REGISTER(writev, sys_writev);

/*
 * sendfile: a file's bytes to any descriptor (a socket, for nginx's `sendfile
 * on`), through a bounce buffer. From *offset (then updated) when given, else
 * from and moving the input's offset; stops at the first short write, as a
 * non-blocking socket's would be.
 */
#define SENDFILE_CHUNK 65536

static long sys_sendfile(long out_fd, long in_fd, long offp, long count,
                         long a4, long a5)
{
	struct kfile *in = kfd_get((int)in_fd);
	struct kfile *out = kfd_get((int)out_fd);
	int64_t *offset = (int64_t *)offp;
	if (!in || !out)
		return -KEBADF;
	if ((in->vn->mode & VFS_S_IFMT) != VFS_S_IFREG ||
	    (out->flags & KO_APPEND) || count < 0 || (offset && *offset < 0))
		return -KEINVAL;
	uint64_t pos = offset ? (uint64_t)*offset : in->off;
	size_t chunk =
	    (size_t)count < SENDFILE_CHUNK ? (size_t)count : SENDFILE_CHUNK;
	char *buf = chunk ? kmalloc(chunk) : NULL;
	if (chunk && !buf)
		return -KENOMEM;
	long total = 0;
	while (total < count) {
		size_t want = (size_t)(count - total) < chunk
		                  ? (size_t)(count - total)
		                  : chunk;
		uint64_t at = pos;
		long r = do_read(in, buf, want, &at);
		if (r <= 0) {
			total = total ? total : r;
			break;
		}
		long w = do_write(out, buf, (size_t)r, &out->off);
		if (w <= 0) {
			total = total ? total : w;
			break;
		}
		pos += (uint64_t)w;
		total += w;
		if (w < r)
			break;
	}
	kfree(buf);
	if (total > 0) {
		if (offset)
			*offset = (int64_t)pos;
		else
			in->off = pos;
	}
	return total;
}
KSYSCALL_REGISTER(sendfile, sys_sendfile);

static long sys_lseek(long fd, long off, long whence, long a3, long a4, long a5)
{
	struct kfile *f = kfd_get((int)fd);
	int64_t base;
	if (!f)
		return -KEBADF;
	if (!seekable(f))
		return -KESPIPE;
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->off;
		break;
	case SEEK_END:
		base = (int64_t)f->vn->size;
		break;
	default:
		return -KEINVAL;
	}
	if (base + off < 0)
		return -KEINVAL;
	f->off = (uint64_t)(base + off);
	return (long)f->off;
}
KSYSCALL_REGISTER(lseek, sys_lseek);

static long sys_close(long fd, long a1, long a2, long a3, long a4, long a5)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f)
		return -KEBADF;
	table[fd] = 0;
	kfile_put(f);
	return 0;
}
KSYSCALL_REGISTER(close, sys_close);

static long dup_to(long oldfd, long newfd, int close_on_exec)
{
	struct kfile *f = kfd_get((int)oldfd);
	if (!f)
		return -KEBADF;
	if (newfd < 0 || newfd >= CONFIG_POSIX_FD_MAX)
		return -KEBADF;
	if (table[newfd] == f)
		return newfd;
	f->refs++;
	if (table[newfd])
		kfile_put(table[newfd]);
	table[newfd] = f;
	cloexec[newfd] = (unsigned char)close_on_exec;
	return newfd;
}

static long sys_dup(long fd, long a1, long a2, long a3, long a4, long a5)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f)
		return -KEBADF;
	int r = kfd_install(f, 0, 0);
	if (r >= 0)
		f->refs++;
	return r;
}
KSYSCALL_REGISTER(dup, sys_dup);

static long sys_dup2(long oldfd, long newfd, long a2, long a3, long a4, long a5)
{
	if (oldfd == newfd)
		return kfd_get((int)oldfd) ? newfd : -KEBADF;
	return dup_to(oldfd, newfd, 0);
}
KSYSCALL_REGISTER(dup2, sys_dup2);

static long sys_dup3(long oldfd, long newfd, long flags, long a3, long a4,
                     long a5)
{
	if (oldfd == newfd || (flags & ~KO_CLOEXEC))
		return -KEINVAL;
	return dup_to(oldfd, newfd, (flags & KO_CLOEXEC) != 0);
}
KSYSCALL_REGISTER(dup3, sys_dup3);

/*
 * POSIX record locks (F_GETLK, F_SETLK, F_SETLKW) belong to a process, and a
 * process never conflicts with its own locks: in a unikernel, the only process,
 * every lock is granted at once and F_GETLK finds none in the way. What is left
 * are Linux's checks of the request (SQLite, for one, relies on locks working).
 * Open-file-description locks (F_OFD_*) do conflict within a process and are
 * not supported.
 */
static long record_lock(const struct kfile *f, long cmd,
                        struct flock_linux *lock)
{
	if (f->flags & KO_PATH)
		return -KEBADF;
	if (lock->whence != SEEK_SET && lock->whence != SEEK_CUR &&
	    lock->whence != SEEK_END)
		return -KEINVAL;
	if (cmd == F_GETLK) {
		if (lock->type != F_RDLCK && lock->type != F_WRLCK)
			return -KEINVAL;
		lock->type = F_UNLCK;
		return 0;
	}
	int mode = f->flags & KO_ACCMODE;
	switch (lock->type) {
	case F_RDLCK:
		return mode == KO_WRONLY ? -KEBADF : 0;
	case F_WRLCK:
		return mode == KO_RDONLY ? -KEBADF : 0;
	case F_UNLCK:
		return 0;
	}
	return -KEINVAL;
}

static long sys_fcntl(long fd, long cmd, long arg, long a3, long a4, long a5)
{
	struct kfile *f = kfd_get((int)fd);
	int r;
	if (!f)
		return -KEBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= CONFIG_POSIX_FD_MAX)
			return -KEINVAL;
		r = kfd_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r >= 0)
			f->refs++;
		return r;
	case F_GETFD:
		return cloexec[fd] ? FD_CLOEXEC : 0;
	case F_SETFD:
		cloexec[fd] = (arg & FD_CLOEXEC) != 0;
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		/* Only the status flags may change. */
		f->flags = (f->flags & ~(KO_APPEND | KO_NONBLOCK)) |
		           (int)(arg & (KO_APPEND | KO_NONBLOCK));
		return 0;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
		if (!arg)
			return -KEFAULT;
		return record_lock(f, cmd, (struct flock_linux *)arg);
	}
	return -KEINVAL;
}
KSYSCALL_REGISTER(fcntl, sys_fcntl);

static long sys_ioctl(long fd, long request, long arg, long a3, long a4,
                      long a5)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f)
		return -KEBADF;
	if (request == FIONBIO) { /* every kind of file, as on Linux */
		if (*(const int *)arg)
			f->flags |= KO_NONBLOCK;
		else
			f->flags &= ~KO_NONBLOCK;
		return 0;
	}
	if (!f->vn->ops || !f->vn->ops->ioctl)
		return -KENOTTY;
	return f->vn->ops->ioctl(f->vn, (unsigned long)request, (void *)arg);
}
KSYSCALL_REGISTER(ioctl, sys_ioctl);

static long sys_ftruncate(long fd, long length, long a2, long a3, long a4,
                          long a5)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f)
		return -KEBADF;
	if (length < 0)
		return -KEINVAL;
	if ((f->flags & KO_ACCMODE) == KO_RDONLY)
		return -KEBADF;
	if (!f->vn->ops || !f->vn->ops->truncate)
		return -KEINVAL;
	return f->vn->ops->truncate(f->vn, (uint64_t)length);
}
KSYSCALL_REGISTER(ftruncate, sys_ftruncate);

static long sys_fsync(long fd, long a1, long a2, long a3, long a4, long a5)
{
	return kfd_get((int)fd) ? 0 : -KEBADF; /* RAM is always in sync */
}
KSYSCALL_REGISTER(fsync, sys_fsync);
KSYSCALL_REGISTER(fdatasync, sys_fsync);

/* Linux's SYNC_FILE_RANGE_WAIT_BEFORE | _WRITE | _WAIT_AFTER. */
#define SYNC_FILE_RANGE_FLAGS 7

/* Like fsync: nothing to write back (Redis's RDB writer calls it). */
static long sys_sync_file_range(long fd, long offset, long nbytes, long flags,
                                long a4, long a5)
{
	if (!kfd_get((int)fd))
		return -KEBADF;
	if (offset < 0 || nbytes < 0 || (flags & ~SYNC_FILE_RANGE_FLAGS))
		return -KEINVAL;
	return 0;
}
KSYSCALL_REGISTER(sync_file_range, sys_sync_file_range);
