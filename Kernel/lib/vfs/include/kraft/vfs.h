/*
 * The virtual file system: one in-memory tree of names (directories hold
 * entries), whose leaves are vnodes that file-system libraries implement:
 * ramfs for regular files, devfs for devices, pipes for FIFOs, procfs for
 * /proc. File systems register with VFS_FILESYSTEM_REGISTER (below) and bind
 * their nodes into the tree when the VFS mounts them; the VFS names none of
 * them. There is one process,
 * so one root and one working directory. Links exist only as nodes a file
 * system makes (/proc's): readlink reads them, path lookup does not follow
 * them.
 *
 * Error contract: functions return 0 (or a byte count) or a negative Linux
 * errno (kraft/syscall.h KE* values).
 */
#ifndef KRAFT_VFS_H
#define KRAFT_VFS_H

#include <stddef.h>
#include <stdint.h>

#define VFS_NAME_MAX 255
#define VFS_PATH_MAX 4096

/* File types, as in st_mode. */
#define VFS_S_IFMT   0170000
#define VFS_S_IFIFO  0010000
#define VFS_S_IFCHR  0020000
#define VFS_S_IFDIR  0040000
#define VFS_S_IFREG  0100000
#define VFS_S_IFLNK  0120000
#define VFS_S_IFSOCK 0140000

/* vnode flags. Read-only: nothing is added to or removed from the
 * directory; the file opens for reading only. */
#define VFS_V_READONLY 1

/* poll() readiness bits (Linux values). */
#define VFS_POLLIN  0x001
#define VFS_POLLOUT 0x004
#define VFS_POLLERR 0x008
#define VFS_POLLHUP 0x010
/* Not an event: a poll hook adds it to say that the node's readiness may
 * change without a readiness notification (kfd_vnode_changed), so a waiter
 * must poll it again after a while (console input). Never reported. */
#define VFS_POLL_UNNOTIFIED 0x40000000

struct vnode;
struct epoll_interest;

/* One piece of a vector write; Linux's struct iovec. */
struct vfs_iovec {
	void *base;
	size_t len;
};

struct vnode_ops {
	/* Reads at off; 0 at end of file. Non-seekable nodes ignore off. */
	long (*read)(struct vnode *vn, void *buf, size_t n, uint64_t off,
	             int nonblock);
	long (*write)(struct vnode *vn, const void *buf, size_t n, uint64_t off,
	              int nonblock);
	int (*truncate)(struct vnode *vn, uint64_t size);
	/* Readiness now, as VFS_POLL* bits. */
	int (*poll)(struct vnode *vn);
	int (*ioctl)(struct vnode *vn, unsigned long request, void *arg);
	/* The last open file on the node closed (pipes track their ends). */
	void (*close)(struct vnode *vn, int flags);
	/* The node left the tree and no file has it open. */
	void (*destroy)(struct vnode *vn);
	/* Links: the target into buf (not NUL-terminated, cut at size). */
	long (*readlink)(struct vnode *vn, char *buf, size_t size);
	/* Directories whose entries follow other state (/proc/self/fd):
	 * brings the entries up to date before a lookup or a listing. */
	void (*refresh)(struct vnode *dir);
	/* Optional: every piece in one write (writev), for nodes where one
	 * write of the whole differs from one per piece: a stream socket then
	 * sends header and body in full segments instead of a short one per
	 * piece. Without it writev writes piece by piece. */
	long (*writev)(struct vnode *vn, const struct vfs_iovec *iov, int n,
	               uint64_t off, int nonblock);
	/* Non-zero when read never blocks, sleeps or switches threads (a file
	 * in RAM): read, pread64 and readv of such a node then run as leaf
	 * system calls (kraft/syscall.h), without the dispatcher around them. */
	int reads_never_wait;
	/* Optional: the file's bytes where they lie for as long as the system
	 * runs and never change (an initrd file read in place), or NULL. mmap
	 * maps such bytes where they are instead of copying them. */
	const void *(*bytes_in_place)(struct vnode *vn);
	/* Non-zero when every rise in poll's answer is announced with
	 * kfd_vnode_changed(vn) (kraft/posix_fd.h): an epoll then rechecks
	 * the node only after such an announcement, so a server's idle
	 * connections cost its epoll_wait nothing. Without it an epoll
	 * checks the node at every wait. */
	int readiness_announced;
};

struct vdirent {
	struct vnode *vn;
	struct vdirent *next;
	/* name's length, kept so that a lookup compares lengths before bytes:
	 * a directory is a list, and Python's standard library puts hundreds
	 * of names in one. */
	size_t len;
	char name[];
};

struct vnode {
	uint32_t mode; /* type and permission bits */
	uint64_t ino;
	uint32_t nlink; /* names in the tree */
	uint32_t opens; /* open files */
	uint64_t size;
	uint64_t mtime_ns;
	uint32_t rdev;
	uint32_t flags; /* VFS_V_* */
	const struct vnode_ops *ops;
	void *data;
	/* Directories only. */
	struct vdirent *entries;
	struct vnode *parent;
	/* The epoll interests in this node (posix-fd's epoll.c). */
	struct epoll_interest *watchers;
};

/* Allocates a node (ino assigned, no names yet); NULL when out of memory. */
struct vnode *vfs_vnode_new(uint32_t mode, const struct vnode_ops *ops,
                            void *data);
/* Frees the node if no name and no open file refer to it any more. */
void vfs_vnode_maybe_free(struct vnode *vn);

struct vnode *vfs_root(void);
struct vnode *vfs_cwd(void);
int vfs_chdir(struct vnode *dir);
/* The working directory's absolute path into buf; length or -ERANGE. */
long vfs_getcwd(char *buf, size_t size);
/* An absolute path naming vn in the tree (NUL-terminated), its length;
 * -ENOENT when vn has no name (an unlinked file, a pipe) or none that fits
 * in size bytes. */
long vfs_path_of(struct vnode *vn, char *buf, size_t size);

/* Resolves path (relative to base when not absolute). */
int vfs_lookup(struct vnode *base, const char *path, struct vnode **out);
/*
 * Resolves all but the last component: the parent directory and the last
 * name (a pointer into path, len bytes). "/" has no last name: -EEXIST.
 */
int vfs_lookup_parent(struct vnode *base, const char *path, struct vnode **dir,
                      const char **name, size_t *len);
/* The entry name in dir, or NULL. */
struct vnode *vfs_dir_find(struct vnode *dir, const char *name, size_t len);

/* Adds name -> vn to dir (-EEXIST if taken); read-only directories too, so
 * that their file system can fill them. */
int vfs_dir_add(struct vnode *dir, const char *name, size_t len,
                struct vnode *vn);
/* Removes the entry and frees its node if nothing else holds it. */
void vfs_dir_remove(struct vnode *dir, const char *name);

/* Path operations; create_file makes a file of the file system that
 * provides new_file. They fail with -EROFS in a VFS_V_READONLY directory. */
int vfs_mkdir(struct vnode *base, const char *path, uint32_t perm);
int vfs_create_file(struct vnode *base, const char *path, uint32_t perm,
                    struct vnode **out);
/* A file holding the size bytes at bytes, which must stay valid and
 * unchanged for good (the initrd's): no copy where the file system can read
 * them in place (new_file_over). */
int vfs_create_file_over(struct vnode *base, const char *path, uint32_t perm,
                         const void *bytes, size_t size, struct vnode **out);
/* Links an existing node (a device) at path, making missing parents. */
int vfs_bind(const char *path, struct vnode *vn);
int vfs_unlink(struct vnode *base, const char *path, int dir);
int vfs_rename(struct vnode *obase, const char *from, struct vnode *nbase,
               const char *to);

/* The index-th entry of dir ("." and ".." first), or -ENOENT past the end. */
int vfs_readdir(struct vnode *dir, uint64_t index, const char **name,
                struct vnode **vn);

/*
 * A file system, as it registers with the VFS:
 *
 *     static int devfs_mount(void) { ... vfs_bind("/dev/null", vn); ... }
 *     VFS_FILESYSTEM_REGISTER(devfs, .mount = devfs_mount);
 *
 * Linking the library registers it (the entry goes to the linker section
 * "vfs_filesystems", as system calls go to "ksyscalls"). At boot
 * (KINIT_LEVEL_FS, kraft/kinit.h) the VFS makes the root and /tmp, then
 * calls every mount, in link order. Either member may be NULL.
 */
struct vfs_filesystem {
	const char *name;
	/* Binds the file system's nodes into the tree; 0 or -errno. */
	int (*mount)(void);
	/* An empty regular file (open(O_CREAT) makes these); NULL when out
	 * of memory. One linked file system provides it (ramfs); with none,
	 * creating a file fails with -EROFS. */
	struct vnode *(*new_file)(uint32_t perm);
	/* Optional, beside new_file: a regular file holding the size bytes at
	 * bytes, which stay valid and unchanged for good (the boot initrd's),
	 * read in place until the file first changes; NULL when out of
	 * memory. Without it vfs_create_file_over copies the bytes. */
	struct vnode *(*new_file_over)(uint32_t perm, const void *bytes,
	                               size_t size);
};

#define VFS_FILESYSTEM_REGISTER(fsname, ...)                                   \
	static const struct vfs_filesystem vfs_filesystem_##fsname             \
	    __attribute__((used, retain, section("vfs_filesystems"),           \
	                   aligned(sizeof(long)))) = {.name = #fsname,         \
	                                              __VA_ARGS__}

#endif /* KRAFT_VFS_H */
