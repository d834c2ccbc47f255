/*
 * Regular files in RAM: each file is one heap buffer that grows by doubling
 * (so appending n bytes costs O(n) overall) and never shrinks until the file
 * is truncated to zero or destroyed. Reads past the end return 0; writes
 * past the end fill the gap with zeros, as POSIX requires.
 *
 * A file made over bytes that outlive it (the initrd's: new_file_over) reads
 * them in place and copies them into its own buffer when first changed: a
 * Python image's standard library is 12 MB of initrd that boot no longer
 * copies (docs/python.md). mmap maps such bytes where they lie
 * (bytes_in_place) when they start on a page.
 */
#include <kraft/alloc.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/ktime.h>
#include <kraft/syscall.h>
#include <kraft/vfs.h>

struct ramfs_data {
	char *bytes;
	size_t capacity;
	/* The contents while the file is unchanged, when made over them. */
	const char *borrowed;
};

static int reserve(struct vnode *vn, uint64_t size)
{
	struct ramfs_data *d = vn->data;
	if (size <= d->capacity)
		return 0;
	if (size > (1ULL << 40))
		return -KEFBIG;
	size_t cap = d->capacity ? d->capacity : 256;
	while (cap < size)
		cap *= 2;
	char *bytes = krealloc(d->bytes, cap);
	if (!bytes)
		return -KENOSPC;
	kmemset(bytes + d->capacity, 0, cap - d->capacity);
	d->bytes = bytes;
	d->capacity = cap;
	return 0;
}

/* A file read in place becomes an ordinary one before its first change. */
static int own(struct vnode *vn)
{
	struct ramfs_data *d = vn->data;
	if (!d->borrowed)
		return 0;
	int err = reserve(vn, vn->size);
	if (err)
		return err;
	kmemcpy(d->bytes, d->borrowed, (size_t)vn->size);
	d->borrowed = 0;
	return 0;
}

static long ramfs_read(struct vnode *vn, void *buf, size_t n, uint64_t off,
                       int nonblock)
{
	struct ramfs_data *d = vn->data;
	if (off >= vn->size)
		return 0;
	if (n > vn->size - off)
		n = (size_t)(vn->size - off);
	kmemcpy(buf, (d->borrowed ? d->borrowed : d->bytes) + off, n);
	return (long)n;
}

static long ramfs_write(struct vnode *vn, const void *buf, size_t n,
                        uint64_t off, int nonblock)
{
	struct ramfs_data *d = vn->data;
	int err = own(vn);
	if (!err)
		err = reserve(vn, off + n);
	if (err)
		return err;
	kmemcpy(d->bytes + off, buf, n);
	if (off + n > vn->size)
		vn->size = off + n;
	vn->mtime_ns = ktime_wall_ns();
	return (long)n;
}

static int ramfs_truncate(struct vnode *vn, uint64_t size)
{
	struct ramfs_data *d = vn->data;
	int err = own(vn);
	if (err)
		return err;
	if (size > vn->size) {
		err = reserve(vn, size);
		if (err)
			return err;
	} else if (d->bytes) {
		/* Later growth must read zeros, not the old bytes. */
		kmemset(d->bytes + size, 0, (size_t)(vn->size - size));
	}
	vn->size = size;
	vn->mtime_ns = ktime_wall_ns();
	return 0;
}

static int ramfs_poll(struct vnode *vn)
{
	return VFS_POLLIN | VFS_POLLOUT;
}

static void ramfs_destroy(struct vnode *vn)
{
	struct ramfs_data *d = vn->data;
	kfree(d->bytes);
	kfree(d);
}

/* The initrd's bytes while the file is unchanged: they stay where they are
 * (the initrd is never given back) and a change copies them first. */
static const void *ramfs_bytes_in_place(struct vnode *vn)
{
	return ((struct ramfs_data *)vn->data)->borrowed;
}

static const struct vnode_ops ramfs_ops = {
    .read = ramfs_read,
    .write = ramfs_write,
    .truncate = ramfs_truncate,
    .poll = ramfs_poll,
    .destroy = ramfs_destroy,
    .reads_never_wait = 1,
    .bytes_in_place = ramfs_bytes_in_place,
};

static struct vnode *ramfs_new_file(uint32_t perm)
{
	struct ramfs_data *d = kcalloc(1, sizeof(*d));
	if (!d)
		return 0;
	struct vnode *vn = vfs_vnode_new(VFS_S_IFREG | perm, &ramfs_ops, d);
	if (!vn)
		kfree(d);
	return vn;
}

static struct vnode *ramfs_new_file_over(uint32_t perm, const void *bytes,
                                         size_t size)
{
	struct vnode *vn = ramfs_new_file(perm);
	if (vn) {
		((struct ramfs_data *)vn->data)->borrowed = bytes;
		vn->size = size;
	}
	return vn;
}

VFS_FILESYSTEM_REGISTER(ramfs, .new_file = ramfs_new_file,
                        .new_file_over = ramfs_new_file_over);
