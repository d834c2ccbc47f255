/*
 * cpio "newc" reader (see kraft/initrd.h). Each entry is a 110-byte ASCII
 * header ("070701" and thirteen 8-digit hex fields), the NUL-terminated
 * name padded to 4 bytes, then the data padded to 4 bytes; "TRAILER!!!"
 * ends the archive. Names are relative to "/" ("./" and "/" prefixes are
 * accepted); parents are created on demand so archive order does not
 * matter. Padding NULs after a name (within its namesize) are allowed:
 * kraft's writer uses them to start a large file's data on a page.
 *
 * Files are read in place (ramfs's new_file_over), and one whose bytes
 * start on a page can be mapped in place (posix-mm). A mapping shows zeros
 * after the end of the file up to the end of its last page, so once the
 * headers that follow such a file have been read, the rest of its last
 * page is zeroed, unless the next file's bytes start in that page.
 */
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/initrd.h>
#include <kraft/kerrno.h>
#include <kraft/kinit.h>
#include <kraft/kstring.h>
#include <kraft/ktime.h>
#include <kraft/print.h>
#include <kraft/syscall.h>
#include <kraft/vfs.h>

#define NEWC_HEADER 110
#define NEWC_MAGIC  "070701"
#define F_MODE      1
#define F_MTIME     5
#define F_FILESIZE  6
#define F_NAMESIZE  11

static int hex_field(const char *h, int index, uint32_t *out)
{
	uint32_t v = 0;
	const char *p = h + 6 + index * 8;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			return -KEINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Creates the missing parents of path (absolute, in buf). */
static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int err = vfs_mkdir(vfs_root(), path, 0755);
		*p = '/';
		if (err && err != -KEEXIST)
			return err;
	}
	return 0;
}

/* The entry itself, its parents existing; -KENOENT when one is missing. */
static int make_entry(const char *path, uint32_t mode, uint32_t mtime,
                      const char *data, size_t size)
{
	struct vnode *vn;
	int err;
	switch (mode & VFS_S_IFMT) {
	case VFS_S_IFDIR:
		err = vfs_mkdir(vfs_root(), path, mode & 07777);
		if (err == -KEEXIST)
			err = 0;
		/* A folder that exists already (/tmp, /dev) takes the
		 * archive's mode and time. */
		if (!err && !vfs_lookup(vfs_root(), path, &vn) &&
		    (vn->mode & VFS_S_IFMT) == VFS_S_IFDIR) {
			vn->mode = VFS_S_IFDIR | (mode & 07777);
			vn->mtime_ns = (uint64_t)mtime * 1000000000ULL;
		}
		return err;
	case VFS_S_IFREG:
		/* In place: the initrd stays reserved for good (kcore's
		 * bootinfo keeps it out of the allocator). */
		err = vfs_create_file_over(vfs_root(), path, mode & 07777, data,
		                           size, &vn);
		if (err)
			return err;
		vn->mtime_ns = (uint64_t)mtime * 1000000000ULL;
		return 0;
	}
	kwarn("initrd: skipping '%s': only files and directories are "
	      "supported",
	      path);
	return 0;
}

static int add_entry(const char *name, uint32_t mode, uint32_t mtime,
                     const char *data, size_t size)
{
	char path[VFS_PATH_MAX];
	while (*name == '.' && name[1] == '/')
		name += 2;
	while (*name == '/')
		name++;
	if (!*name || !kstrcmp(name, "."))
		return 0; /* the root itself */
	path[0] = '/';
	kstrlcpy(path + 1, name, sizeof(path) - 1);
	/* Archives list folders before their contents (kraft's are sorted),
	 * so the parents are looked for only when the entry cannot be made:
	 * making each one again cost a Python image's 696 entries more than
	 * the entries themselves. */
	int err = make_entry(path, mode, mtime, data, size);
	if (err == -KENOENT) {
		err = make_parents(path);
		if (!err)
			err = make_entry(path, mode, mtime, data, size);
	}
	return err;
}

/* The end of a file whose bytes start on a page: [end, its page's end) is
 * zeroed once no later entry needs it (the headers read, and no file's
 * bytes there). limit: where the next entry's data starts, or the end of
 * the archive's last page. */
struct page_tail {
	char *start;
	char *end;
};

static void zero_tail(struct page_tail *t, const char *limit)
{
	if (t->start && t->end <= limit)
		kmemset(t->start, 0, (size_t)(t->end - t->start));
	t->start = 0;
}

int initrd_unpack(const void *archive, size_t size)
{
	char *base = (char *)archive; /* writable: tails are zeroed */
	size_t off = 0;
	unsigned files = 0;
	struct page_tail tail = {0, 0};
	/* Its share of the boot, for bench/ and docs/python.md (a Python
	 * image's standard library is most of its initrd). */
	uint64_t start_ns = ktime_monotonic_ns();

	for (;;) {
		const char *h = base + off;
		uint32_t mode, mtime, filesize, namesize;
		if (off + NEWC_HEADER > size || kmemcmp(h, NEWC_MAGIC, 6)) {
			kerror("initrd: no cpio newc header at offset %lu",
			       (unsigned long)off);
			return -KEINVAL;
		}
		if (hex_field(h, F_MODE, &mode) ||
		    hex_field(h, F_MTIME, &mtime) ||
		    hex_field(h, F_FILESIZE, &filesize) ||
		    hex_field(h, F_NAMESIZE, &namesize) || !namesize)
			return -KEINVAL;
		const char *name = h + NEWC_HEADER;
		size_t data_off = pad4(off + NEWC_HEADER + namesize);
		if (data_off + filesize > size || name[namesize - 1]) {
			kerror("initrd: entry at offset %lu is truncated",
			       (unsigned long)off);
			return -KEINVAL;
		}
		if (!kstrcmp(name, "TRAILER!!!"))
			break;
		int err =
		    add_entry(name, mode, mtime, base + data_off, filesize);
		if (err) {
			kerror("initrd: cannot create '%s' (error %d)", name,
			       -err);
			return err;
		}
		files++;
		/* This header is read: the previous file's tail may go. */
		zero_tail(&tail, base + data_off);
		char *data = base + data_off;
		if ((mode & VFS_S_IFMT) == VFS_S_IFREG && filesize &&
		    !((uintptr_t)data & (ARCH_PAGE_SIZE - 1)))
			tail = (struct page_tail){
			    data + filesize,
			    data + arch_page_round(filesize),
			};
		off = pad4(data_off + filesize);
	}
	/* After the trailer: the rest of the archive's last page is the
	 * initrd's too (kboot_add_ram keeps its pages whole from the
	 * allocator). */
	zero_tail(&tail, (char *)arch_page_round((uintptr_t)base + size));
	kinfo("initrd: %u entries (%lu KiB) unpacked at / in %lu us", files,
	      (unsigned long)(size / 1024),
	      (unsigned long)((ktime_monotonic_ns() - start_ns) / 1000));
	return 0;
}

/* Over what the mounted file systems bound, before the standard streams. */
static int initrd_init(void)
{
	const void *archive;
	size_t size;
	if (kboot_initrd(&archive, &size) || !size)
		return 0;
	if (initrd_unpack(archive, size))
		kerror("initrd: the root file system is incomplete");
	return 0;
}
KINIT_REGISTER(initrd_init, KINIT_LEVEL_ROOTFS);
