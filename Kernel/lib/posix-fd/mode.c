/*
 * Permission bits: the file-creation mask (umask) and chmod. Bits are kept
 * and reported by stat but not enforced (one user, root), so what these
 * calls change is what a program reads back, as on Linux.
 */
#include <kraft/kerrno.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>

#define AT_SYMLINK_NOFOLLOW 0x100

/* Linux starts init with 022; a process inherits it. */
static uint32_t creation_mask = 022;

uint32_t kfd_creation_mode(uint32_t mode)
{
	return mode & ~creation_mask & 07777;
}

static long sys_umask(long mask, long a1, long a2, long a3, long a4, long a5)
{
	uint32_t old = creation_mask;
	creation_mask = (uint32_t)mask & 0777;
	return old;
}
KSYSCALL_REGISTER(umask, sys_umask);

static void set_mode(struct vnode *vn, long mode)
{
	vn->mode = (vn->mode & VFS_S_IFMT) | ((uint32_t)mode & 07777);
}

static long sys_fchmodat(long dirfd, long pathp, long mode, long flags, long a4,
                         long a5)
{
	const char *path = (const char *)pathp;
	struct vnode *base, *vn;
	/* Linux's fchmodat takes no flags; musl emulates AT_SYMLINK_NOFOLLOW.
	 */
	if (flags & ~AT_SYMLINK_NOFOLLOW)
		return -KEINVAL;
	if (!path)
		return -KEFAULT;
	int err = kfd_dir_base((int)dirfd, path, &base);
	if (!err)
		err = vfs_lookup(base, path, &vn);
	if (err)
		return err;
	set_mode(vn, mode);
	return 0;
}
KSYSCALL_REGISTER(fchmodat, sys_fchmodat);

static long sys_chmod(long path, long mode, long a2, long a3, long a4, long a5)
{
	return sys_fchmodat(KAT_FDCWD, path, mode, 0, 0, 0);
}
KSYSCALL_REGISTER(chmod, sys_chmod);

static long sys_fchmod(long fd, long mode, long a2, long a3, long a4, long a5)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f)
		return -KEBADF;
	set_mode(f->vn, mode);
	return 0;
}
KSYSCALL_REGISTER(fchmod, sys_fchmod);
