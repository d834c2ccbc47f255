/*
 * /proc as programs commonly read it, bound into the VFS at boot (like
 * devfs) and read-only:
 *
 *   /proc/self/exe      a link to "/" + argv[0] (argv[0] itself if absolute)
 *   /proc/self/cmdline  argv, each argument NUL-terminated
 *   /proc/self/environ  the initial environment, each entry NUL-terminated
 *   /proc/self/fd/N     a link per open descriptor: the file's path, or
 *                       pipe:[ino] for a pipe, anon_inode:[ino] for a node
 *                       without a name
 *   /proc/meminfo       MemTotal, MemFree (the allocator's) and MemAvailable
 *                       (that, and what caches hold that they give back)
 *
 * There is one process, so /proc/self is a plain directory (Linux makes it
 * a link to /proc/<pid>). Files are made at each read: a read at offset off
 * produces the whole text and keeps the bytes in [off, off + n), so no
 * buffer is held and a file reads whole across several reads. The fd
 * directory is brought up to date with the descriptor table before every
 * lookup and listing (the VFS's refresh hook).
 */
#include <kraft/abi.h>
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/posix_fd.h>
#include <kraft/print.h>
#include <kraft/syscall.h>
#include <kraft/vfs.h>

#ifndef CONFIG_POSIX_FD_MAX
#define CONFIG_POSIX_FD_MAX 256
#endif

/* The part of a generated text a read asked for. */
struct window {
	char *buf;
	size_t n;
	uint64_t off; /* where the read starts in the text */
	uint64_t pos; /* how much of the text is produced so far */
};

static void emit(struct window *w, const char *s, size_t len)
{
	uint64_t start = w->pos, end = w->pos + len, stop = w->off + w->n;
	w->pos = end;
	if (end <= w->off || start >= stop)
		return;
	uint64_t from = start < w->off ? w->off : start;
	uint64_t to = end < stop ? end : stop;
	kmemcpy(w->buf + (from - w->off), s + (from - start), to - from);
}

/* Bytes of the window filled: what read returns. */
static long filled(const struct window *w)
{
	if (w->pos <= w->off)
		return 0;
	uint64_t end = w->pos < w->off + w->n ? w->pos : w->off + w->n;
	return (long)(end - w->off);
}

/* Emits s with its NUL. */
static void emit_string0(struct window *w, const char *s)
{
	emit(w, s, kstrlen(s) + 1);
}

static void cmdline_text(struct window *w)
{
	for (int i = 0; i < kcore_argc(); i++)
		emit_string0(w, kcore_argv()[i]);
}

static void environ_text(struct window *w)
{
	size_t plen = kstrlen(KRAFT_CMDLINE_ENV_PREFIX);
	for (int i = 0; kcore_kernel_arg(i); i++) {
		const char *arg = kcore_kernel_arg(i);
		if (!kstrncmp(arg, KRAFT_CMDLINE_ENV_PREFIX, plen))
			emit_string0(w, arg + plen);
	}
}

/* What KALLOC_RECLAIMABLE_REGISTER put in the section (weak: an image may
 * have no such cache). */
extern const struct kalloc_reclaimable __start_kalloc_reclaimables[]
    __attribute__((weak));
extern const struct kalloc_reclaimable __stop_kalloc_reclaimables[]
    __attribute__((weak));

static size_t reclaimable_bytes(void)
{
	size_t bytes = 0;
	for (const struct kalloc_reclaimable *r = __start_kalloc_reclaimables;
	     r < __stop_kalloc_reclaimables; r++)
		bytes += r->bytes();
	return bytes;
}

static void meminfo_text(struct window *w)
{
	struct kalloc_stats st;
	char line[64];
	kalloc_stats(&st);
	int len = ksnprintf(line, sizeof(line), "MemTotal:       %8lu kB\n",
	                    (unsigned long)(st.total_bytes / 1024));
	emit(w, line, (size_t)len);
	len = ksnprintf(line, sizeof(line), "MemFree:        %8lu kB\n",
	                (unsigned long)(st.free_bytes / 1024));
	emit(w, line, (size_t)len);
	/* Free, and what caches would give back before an allocation fails. */
	len = ksnprintf(
	    line, sizeof(line), "MemAvailable:   %8lu kB\n",
	    (unsigned long)((st.free_bytes + reclaimable_bytes()) / 1024));
	emit(w, line, (size_t)len);
}

/* A generated file's node data: what produces its text. */
struct text {
	void (*produce)(struct window *w);
};

static struct text cmdline = {cmdline_text}, environ = {environ_text},
                   meminfo = {meminfo_text};

static long text_read(struct vnode *vn, void *buf, size_t n, uint64_t off,
                      int nonblock)
{
	const struct text *text = vn->data;
	struct window w = {buf, n, off, 0};
	text->produce(&w);
	return filled(&w);
}

static int text_poll(struct vnode *vn)
{
	return VFS_POLLIN;
}

static const struct vnode_ops text_ops = {.read = text_read, .poll = text_poll};

/* Copies s into a readlink buffer, cut at size, as readlink does. */
static long link_copy(char *buf, size_t size, const char *s, size_t len)
{
	if (len > size)
		len = size;
	kmemcpy(buf, s, len);
	return (long)len;
}

static long exe_readlink(struct vnode *vn, char *buf, size_t size)
{
	char path[VFS_PATH_MAX];
	const char *name = kcore_argv()[0];
	int len = ksnprintf(path, sizeof(path), "%s%s",
	                    name[0] == '/' ? "" : "/", name);
	return link_copy(buf, size, path, (size_t)len);
}

static long fd_readlink(struct vnode *vn, char *buf, size_t size)
{
	char path[VFS_PATH_MAX];
	struct kfile *f = kfd_get((int)(uintptr_t)vn->data);
	if (!f)
		return -KENOENT; /* closed since it was looked up */
	long len = vfs_path_of(f->vn, path, sizeof(path));
	if (len < 0)
		len = ksnprintf(path, sizeof(path), "%s:[%lu]",
		                (f->vn->mode & VFS_S_IFMT) == VFS_S_IFIFO
		                    ? "pipe"
		                    : "anon_inode",
		                (unsigned long)f->vn->ino);
	return link_copy(buf, size, path, (size_t)len);
}

static const struct vnode_ops exe_ops = {.readlink = exe_readlink};
static const struct vnode_ops fd_link_ops = {.readlink = fd_readlink};

static struct vnode *new_node(uint32_t mode, const struct vnode_ops *ops,
                              void *data)
{
	struct vnode *vn = vfs_vnode_new(mode, ops, data);
	if (vn)
		vn->flags = VFS_V_READONLY;
	return vn;
}

/* The descriptor number an fd entry's name spells, or -1. */
static int fd_of_name(const char *name)
{
	int fd = 0;
	for (; *name; name++) {
		if (*name < '0' || *name > '9' || fd > CONFIG_POSIX_FD_MAX)
			return -1;
		fd = fd * 10 + (*name - '0');
	}
	return fd;
}

/* The entry named name, without the refresh vfs_dir_find would run. */
static int has_entry(struct vnode *dir, const char *name)
{
	for (struct vdirent *e = dir->entries; e; e = e->next)
		if (!kstrcmp(e->name, name))
			return 1;
	return 0;
}

/* Drops the entries of closed descriptors, adds those of new ones. */
static void fd_dir_refresh(struct vnode *dir)
{
	for (struct vdirent *e = dir->entries, *next; e; e = next) {
		next = e->next;
		if (!kfd_get(fd_of_name(e->name)))
			vfs_dir_remove(dir, e->name);
	}
	for (int fd = 0; fd < CONFIG_POSIX_FD_MAX; fd++) {
		char name[12];
		int len = ksnprintf(name, sizeof(name), "%d", fd);
		if (!kfd_get(fd) || has_entry(dir, name))
			continue;
		struct vnode *vn = new_node(VFS_S_IFLNK | 0700, &fd_link_ops,
		                            (void *)(uintptr_t)fd);
		if (!vn || vfs_dir_add(dir, name, (size_t)len, vn)) {
			if (vn)
				vfs_vnode_maybe_free(vn);
			return; /* out of memory: the listing stays short */
		}
	}
}

static const struct vnode_ops fd_dir_ops = {.refresh = fd_dir_refresh};

static struct vnode *dir_in(struct vnode *parent, const char *name,
                            const struct vnode_ops *ops)
{
	struct vnode *dir = new_node(VFS_S_IFDIR | 0555, ops, 0);
	if (!dir || vfs_dir_add(parent, name, kstrlen(name), dir))
		kpanic("cannot create '%s' in /proc", name);
	return dir;
}

static void file_in(struct vnode *dir, const char *name, uint32_t mode,
                    const struct vnode_ops *ops, void *data)
{
	struct vnode *vn = new_node(mode, ops, data);
	if (!vn || vfs_dir_add(dir, name, kstrlen(name), vn))
		kpanic("cannot create '%s' in /proc", name);
}

/* Before the initrd (KINIT_LEVEL_ROOTFS): a rootfs with an empty proc/ (as
 * container images have) only sets its mode. */
static int procfs_mount(void)
{
	struct vnode *proc = dir_in(vfs_root(), "proc", 0);
	struct vnode *self = dir_in(proc, "self", 0);
	dir_in(self, "fd", &fd_dir_ops);
	file_in(self, "exe", VFS_S_IFLNK | 0777, &exe_ops, 0);
	file_in(self, "cmdline", VFS_S_IFREG | 0444, &text_ops, &cmdline);
	file_in(self, "environ", VFS_S_IFREG | 0400, &text_ops, &environ);
	file_in(proc, "meminfo", VFS_S_IFREG | 0444, &text_ops, &meminfo);
	return 0;
}
VFS_FILESYSTEM_REGISTER(procfs, .mount = procfs_mount);
