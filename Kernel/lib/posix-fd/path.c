/*
 * The calls that name files by path: open, the stat family, getdents64,
 * mkdir, unlink, rmdir, rename, access, truncate, chown, getcwd and chdir,
 * each with its *at() form. Paths are resolved by the VFS relative to a
 * directory descriptor or the working directory. Ownership is always root
 * and permission bits are kept but not enforced (one user).
 */
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/ktime.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>

#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_EMPTY_PATH       0x1000
#define RENAME_NOREPLACE    1
#define DT_FIFO             1
#define DT_CHR              2
#define DT_DIR              4
#define DT_REG              8
#define DT_LNK              10

#if defined(__aarch64__)
/* struct stat as the arm64 kernel fills it (the generic layout). */
struct kstat_linux {
	uint64_t st_dev, st_ino;
	uint32_t st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev, pad1;
	int64_t st_size;
	int32_t st_blksize, pad2;
	int64_t st_blocks;
	int64_t st_atime_sec, st_atime_nsec;
	int64_t st_mtime_sec, st_mtime_nsec;
	int64_t st_ctime_sec, st_ctime_nsec;
	uint32_t unused[2];
};
#else
/* struct stat as the x86_64 kernel fills it. */
struct kstat_linux {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	int64_t st_atime_sec, st_atime_nsec;
	int64_t st_mtime_sec, st_mtime_nsec;
	int64_t st_ctime_sec, st_ctime_nsec;
	int64_t unused[3];
};
#endif

struct statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

struct statx_linux {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};

#define STATX_BASIC_STATS 0x7ff

static int resolve(long dirfd, const char *path, int flags, struct vnode **out)
{
	struct vnode *base;
	if (!path)
		return -KEFAULT;
	if (!*path && (flags & AT_EMPTY_PATH)) {
		if (dirfd == KAT_FDCWD) {
			*out = vfs_cwd();
			return 0;
		}
		struct kfile *f = kfd_get((int)dirfd);
		if (!f)
			return -KEBADF;
		*out = f->vn;
		return 0;
	}
	int err = kfd_dir_base((int)dirfd, path, &base);
	return err ? err : vfs_lookup(base, path, out);
}

static void fill_stat(const struct vnode *vn, struct kstat_linux *st)
{
	kmemset(st, 0, sizeof(*st));
	st->st_dev = 1;
	st->st_ino = vn->ino;
	st->st_nlink = vn->nlink ? vn->nlink : 1;
	st->st_mode = vn->mode;
	st->st_rdev = vn->rdev;
	st->st_size = (int64_t)vn->size;
	st->st_blksize = 4096;
	st->st_blocks = (int64_t)((vn->size + 511) / 512);
	st->st_mtime_sec = st->st_atime_sec = st->st_ctime_sec =
	    (int64_t)(vn->mtime_ns / KTIME_NS_PER_SEC);
	st->st_mtime_nsec = st->st_atime_nsec = st->st_ctime_nsec =
	    (int64_t)(vn->mtime_ns % KTIME_NS_PER_SEC);
}

static long sys_newfstatat(long dirfd, long path, long stp, long flags, long a4,
                           long a5)
{
	struct vnode *vn;
	int err = resolve(dirfd, (const char *)path, (int)flags, &vn);
	if (err)
		return err;
	fill_stat(vn, (struct kstat_linux *)stp);
	return 0;
}
KSYSCALL_REGISTER(newfstatat, sys_newfstatat);

static long sys_stat(long path, long stp, long a2, long a3, long a4, long a5)
{
	return sys_newfstatat(KAT_FDCWD, path, stp, 0, 0, 0);
}
KSYSCALL_REGISTER(stat, sys_stat);
KSYSCALL_REGISTER(lstat, sys_stat); /* no symbolic links */

static long sys_fstat(long fd, long stp, long a2, long a3, long a4, long a5)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f)
		return -KEBADF;
	fill_stat(f->vn, (struct kstat_linux *)stp);
	return 0;
}
KSYSCALL_REGISTER(fstat, sys_fstat);

static struct statx_ts statx_time(uint64_t ns)
{
	return (struct statx_ts){(int64_t)(ns / KTIME_NS_PER_SEC),
	                         (uint32_t)(ns % KTIME_NS_PER_SEC), 0};
}

static long sys_statx(long dirfd, long path, long flags, long mask, long stxp,
                      long a5)
{
	struct vnode *vn;
	struct statx_linux *stx = (struct statx_linux *)stxp;
	int err = resolve(dirfd, (const char *)path, (int)flags, &vn);
	if (err)
		return err;
	kmemset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = 4096;
	stx->stx_nlink = vn->nlink ? vn->nlink : 1;
	stx->stx_mode = (uint16_t)vn->mode;
	stx->stx_ino = vn->ino;
	stx->stx_size = vn->size;
	stx->stx_blocks = (vn->size + 511) / 512;
	stx->stx_atime = stx->stx_ctime = stx->stx_mtime =
	    statx_time(vn->mtime_ns);
	stx->stx_rdev_major = vn->rdev >> 8;
	stx->stx_rdev_minor = vn->rdev & 0xff;
	stx->stx_dev_minor = 1;
	return 0;
}
KSYSCALL_REGISTER(statx, sys_statx);

/*
 * Every file belongs to root (stat reports 0:0), so chown to root, or to -1
 * (unchanged), leaves it as it is; another owner cannot be kept: EINVAL,
 * Linux's answer for an id the user namespace does not map. (SQLite, run as
 * root, gives a new journal the database file's owner.)
 */
static long sys_fchownat(long dirfd, long pathp, long owner, long group,
                         long flags, long a5)
{
	struct vnode *vn;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -KEINVAL;
	int err = resolve(dirfd, (const char *)pathp, (int)flags, &vn);
	if (err)
		return err;
	uint32_t uid = (uint32_t)owner, gid = (uint32_t)group;
	return (uid == 0 || uid == (uint32_t)-1) &&
	               (gid == 0 || gid == (uint32_t)-1)
	           ? 0
	           : -KEINVAL;
}
KSYSCALL_REGISTER(fchownat, sys_fchownat);

static long sys_chown(long path, long owner, long group, long a3, long a4,
                      long a5)
{
	return sys_fchownat(KAT_FDCWD, path, owner, group, 0, 0);
}
KSYSCALL_REGISTER(chown, sys_chown);
KSYSCALL_REGISTER(lchown, sys_chown); /* no symbolic links */

static long sys_fchown(long fd, long owner, long group, long a3, long a4,
                       long a5)
{
	if (!kfd_get((int)fd))
		return -KEBADF;
	return sys_fchownat(fd, (long)"", owner, group, AT_EMPTY_PATH, 0);
}
KSYSCALL_REGISTER(fchown, sys_fchown);

static long sys_openat(long dirfd, long pathp, long flags, long mode, long a4,
                       long a5)
{
	const char *path = (const char *)pathp;
	struct vnode *base, *vn;
	int err = kfd_dir_base((int)dirfd, path, &base);
	if (err)
		return err;
	if (!path)
		return -KEFAULT;
	err = vfs_lookup(base, path, &vn);
	if (err == -KENOENT && (flags & KO_CREAT))
		err = vfs_create_file(base, path,
		                      kfd_creation_mode((uint32_t)mode), &vn);
	else if (!err && (flags & KO_CREAT) && (flags & KO_EXCL))
		return -KEEXIST;
	if (err)
		return err;
	int type = vn->mode & VFS_S_IFMT;
	/* A read-only tree's files (/proc) open for reading only. */
	if ((vn->flags & VFS_V_READONLY) &&
	    ((flags & KO_ACCMODE) != KO_RDONLY || (flags & KO_TRUNC)))
		return -KEROFS;
	/* Links are not followed (only /proc has them). */
	if (type == VFS_S_IFLNK && !(flags & KO_PATH))
		return -KELOOP;
	if ((flags & KO_DIRECTORY) && type != VFS_S_IFDIR)
		return -KENOTDIR;
	if (type == VFS_S_IFDIR && (flags & KO_ACCMODE) != KO_RDONLY)
		return -KEISDIR;
	if ((flags & KO_TRUNC) && type == VFS_S_IFREG &&
	    (flags & KO_ACCMODE) != KO_RDONLY) {
		err = vn->ops->truncate(vn, 0);
		if (err)
			return err;
	}
	struct kfile *f = kfile_new(vn, (int)flags);
	if (!f)
		return -KENOMEM;
	int fd = kfd_install(f, 0, (flags & KO_CLOEXEC) != 0);
	if (fd < 0)
		kfile_put(f);
	return fd;
}
KSYSCALL_REGISTER(openat, sys_openat);

static long sys_open(long path, long flags, long mode, long a3, long a4,
                     long a5)
{
	return sys_openat(KAT_FDCWD, path, flags, mode, 0, 0);
}
KSYSCALL_REGISTER(open, sys_open);

static long sys_creat(long path, long mode, long a2, long a3, long a4, long a5)
{
	return sys_openat(KAT_FDCWD, path, KO_CREAT | KO_WRONLY | KO_TRUNC,
	                  mode, 0, 0);
}
KSYSCALL_REGISTER(creat, sys_creat);

static unsigned char dirent_type(const struct vnode *vn)
{
	switch (vn->mode & VFS_S_IFMT) {
	case VFS_S_IFDIR:
		return DT_DIR;
	case VFS_S_IFCHR:
		return DT_CHR;
	case VFS_S_IFIFO:
		return DT_FIFO;
	case VFS_S_IFLNK:
		return DT_LNK;
	}
	return DT_REG;
}

static long sys_getdents64(long fd, long bufp, long size, long a3, long a4,
                           long a5)
{
	struct kfile *f = kfd_get((int)fd);
	char *buf = (char *)bufp;
	long used = 0;
	if (!f)
		return -KEBADF;
	if ((f->vn->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return -KENOTDIR;
	for (;;) {
		const char *name;
		struct vnode *vn;
		if (vfs_readdir(f->vn, f->off, &name, &vn))
			break;
		size_t len = kstrlen(name);
		/* d_ino, d_off, d_reclen, d_type, name, NUL; 8-aligned */
		size_t reclen = (8 + 8 + 2 + 1 + len + 1 + 7) & ~(size_t)7;
		if ((size_t)used + reclen > (size_t)size) {
			if (!used)
				return -KEINVAL; /* buffer too small */
			break;
		}
		char *rec = buf + used;
		kmemset(rec, 0, reclen);
		uint64_t ino = vn->ino, next = f->off + 1;
		uint16_t rl = (uint16_t)reclen;
		kmemcpy(rec, &ino, 8);
		kmemcpy(rec + 8, &next, 8);
		kmemcpy(rec + 16, &rl, 2);
		rec[18] = (char)dirent_type(vn);
		kmemcpy(rec + 19, name, len);
		used += (long)reclen;
		f->off++;
	}
	return used;
}
KSYSCALL_REGISTER(getdents64, sys_getdents64);

static long sys_mkdirat(long dirfd, long path, long mode, long a3, long a4,
                        long a5)
{
	struct vnode *base;
	int err = kfd_dir_base((int)dirfd, (const char *)path, &base);
	return err ? err
	           : vfs_mkdir(base, (const char *)path,
	                       kfd_creation_mode((uint32_t)mode));
}
KSYSCALL_REGISTER(mkdirat, sys_mkdirat);

static long sys_mkdir(long path, long mode, long a2, long a3, long a4, long a5)
{
	return sys_mkdirat(KAT_FDCWD, path, mode, 0, 0, 0);
}
KSYSCALL_REGISTER(mkdir, sys_mkdir);

static long sys_unlinkat(long dirfd, long path, long flags, long a3, long a4,
                         long a5)
{
	struct vnode *base;
	int err = kfd_dir_base((int)dirfd, (const char *)path, &base);
	if (err)
		return err;
	return vfs_unlink(base, (const char *)path,
	                  (flags & AT_REMOVEDIR) != 0);
}
KSYSCALL_REGISTER(unlinkat, sys_unlinkat);

static long sys_unlink(long path, long a1, long a2, long a3, long a4, long a5)
{
	return sys_unlinkat(KAT_FDCWD, path, 0, 0, 0, 0);
}
KSYSCALL_REGISTER(unlink, sys_unlink);

static long sys_rmdir(long path, long a1, long a2, long a3, long a4, long a5)
{
	return sys_unlinkat(KAT_FDCWD, path, AT_REMOVEDIR, 0, 0, 0);
}
KSYSCALL_REGISTER(rmdir, sys_rmdir);

static long sys_renameat2(long olddirfd, long oldpath, long newdirfd,
                          long newpath, long flags, long a5)
{
	struct vnode *obase, *nbase, *existing;
	int err = kfd_dir_base((int)olddirfd, (const char *)oldpath, &obase);
	if (!err)
		err =
		    kfd_dir_base((int)newdirfd, (const char *)newpath, &nbase);
	if (err)
		return err;
	if ((flags & RENAME_NOREPLACE) &&
	    !vfs_lookup(nbase, (const char *)newpath, &existing))
		return -KEEXIST;
	return vfs_rename(obase, (const char *)oldpath, nbase,
	                  (const char *)newpath);
}
KSYSCALL_REGISTER(renameat2, sys_renameat2);

static long sys_renameat(long olddirfd, long oldpath, long newdirfd,
                         long newpath, long a4, long a5)
{
	return sys_renameat2(olddirfd, oldpath, newdirfd, newpath, 0, 0);
}
KSYSCALL_REGISTER(renameat, sys_renameat);

static long sys_rename(long oldpath, long newpath, long a2, long a3, long a4,
                       long a5)
{
	return sys_renameat2(KAT_FDCWD, oldpath, KAT_FDCWD, newpath, 0, 0);
}
KSYSCALL_REGISTER(rename, sys_rename);

static long sys_faccessat(long dirfd, long path, long mode, long a3, long a4,
                          long a5)
{
	struct vnode *vn;
	return resolve(dirfd, (const char *)path, 0, &vn);
}
KSYSCALL_REGISTER(faccessat, sys_faccessat);

static long sys_access(long path, long mode, long a2, long a3, long a4, long a5)
{
	return sys_faccessat(KAT_FDCWD, path, mode, 0, 0, 0);
}
KSYSCALL_REGISTER(access, sys_access);

static long sys_readlinkat(long dirfd, long path, long buf, long size, long a4,
                           long a5)
{
	struct vnode *vn;
	int err = resolve(dirfd, (const char *)path, 0, &vn);
	if (err)
		return err;
	if (size <= 0)
		return -KEINVAL;
	if ((vn->mode & VFS_S_IFMT) != VFS_S_IFLNK || !vn->ops ||
	    !vn->ops->readlink)
		return -KEINVAL; /* exists, but is not a link */
	return vn->ops->readlink(vn, (char *)buf, (size_t)size);
}
KSYSCALL_REGISTER(readlinkat, sys_readlinkat);

static long sys_readlink(long path, long buf, long size, long a3, long a4,
                         long a5)
{
	return sys_readlinkat(KAT_FDCWD, path, buf, size, 0, 0);
}
KSYSCALL_REGISTER(readlink, sys_readlink);

static long sys_truncate(long path, long length, long a2, long a3, long a4,
                         long a5)
{
	struct vnode *vn;
	int err = resolve(KAT_FDCWD, (const char *)path, 0, &vn);
	if (err)
		return err;
	if ((vn->mode & VFS_S_IFMT) == VFS_S_IFDIR)
		return -KEISDIR;
	if (length < 0 || !vn->ops || !vn->ops->truncate)
		return -KEINVAL;
	return vn->ops->truncate(vn, (uint64_t)length);
}
KSYSCALL_REGISTER(truncate, sys_truncate);

static long sys_getcwd(long buf, long size, long a2, long a3, long a4, long a5)
{
	if (!buf)
		return -KEFAULT;
	return vfs_getcwd((char *)buf, (size_t)size);
}
KSYSCALL_REGISTER(getcwd, sys_getcwd);

static long sys_chdir(long path, long a1, long a2, long a3, long a4, long a5)
{
	struct vnode *vn;
	int err = resolve(KAT_FDCWD, (const char *)path, 0, &vn);
	return err ? err : vfs_chdir(vn);
}
KSYSCALL_REGISTER(chdir, sys_chdir);

static long sys_fchdir(long fd, long a1, long a2, long a3, long a4, long a5)
{
	struct kfile *f = kfd_get((int)fd);
	return f ? vfs_chdir(f->vn) : -KEBADF;
}
KSYSCALL_REGISTER(fchdir, sys_fchdir);
