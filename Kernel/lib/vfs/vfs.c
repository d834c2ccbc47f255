/*
 * The name tree (see kraft/vfs.h). Directories keep their entries in an
 * unsorted list: trees in a unikernel are small, and the order of creation
 * is a fine order for getdents. A node stays alive while it has a name
 * (nlink) or an open file (opens); ".." is the parent pointer, so a
 * directory's nlink counts only its own name.
 */
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kinit.h>
#include <kraft/kstring.h>
#include <kraft/print.h>
#include <kraft/ktime.h>
#include <kraft/syscall.h>
#include <kraft/vfs.h>

extern const struct vfs_filesystem __start_vfs_filesystems[],
    __stop_vfs_filesystems[];

static struct vnode *root;
static struct vnode *cwd;
static uint64_t next_ino = 1;
/* The file system whose new_file makes regular files, if one is linked. */
static const struct vfs_filesystem *file_maker;

struct vnode *vfs_vnode_new(uint32_t mode, const struct vnode_ops *ops,
                            void *data)
{
	struct vnode *vn = kcalloc(1, sizeof(*vn));
	if (!vn)
		return 0;
	vn->mode = mode;
	vn->ino = next_ino++;
	vn->ops = ops;
	vn->data = data;
	vn->mtime_ns = ktime_wall_coarse_ns();
	return vn;
}

void vfs_vnode_maybe_free(struct vnode *vn)
{
	if (vn->nlink || vn->opens || vn == root || vn == cwd)
		return;
	if (vn->ops && vn->ops->destroy)
		vn->ops->destroy(vn);
	kfree(vn);
}

static void mount_all(void)
{
	for (const struct vfs_filesystem *fs = __start_vfs_filesystems;
	     fs < __stop_vfs_filesystems; fs++) {
		if (fs->new_file) {
			if (file_maker)
				kpanic("file systems '%s' and '%s' both make "
				       "regular files",
				       file_maker->name, fs->name);
			file_maker = fs;
		}
		int err = fs->mount ? fs->mount() : 0;
		if (err)
			kerror("vfs: mounting %s failed (error %d)", fs->name,
			       -err);
	}
}

static int vfs_init(void)
{
	root = vfs_vnode_new(VFS_S_IFDIR | 0755, 0, 0);
	if (!root)
		kpanic("out of memory creating the root directory");
	root->parent = root;
	root->nlink = 1;
	cwd = root;
	/* Scratch space every program may assume, as on Linux: sticky and
	 * writable by all. It is RAM like the rest of the tree; a rootfs
	 * with its own /tmp adds its files to it (and sets its mode). */
	if (vfs_mkdir(root, "/tmp", 01777))
		kpanic("out of memory creating /tmp");
	mount_all();
	return 0;
}
KINIT_REGISTER(vfs_init, KINIT_LEVEL_FS);

struct vnode *vfs_root(void)
{
	return root;
}

struct vnode *vfs_cwd(void)
{
	return cwd;
}

int vfs_chdir(struct vnode *dir)
{
	if ((dir->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return -KENOTDIR;
	struct vnode *old = cwd;
	cwd = dir;
	vfs_vnode_maybe_free(old);
	return 0;
}

/* The entry as it is now (no refresh: file systems fill dirs with it). */
static struct vnode *entry_find(struct vnode *dir, const char *name, size_t len)
{
	for (struct vdirent *e = dir->entries; e; e = e->next)
		if (e->len == len && !kmemcmp(e->name, name, len))
			return e->vn;
	return 0;
}

struct vnode *vfs_dir_find(struct vnode *dir, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return dir;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return dir->parent;
	if (dir->ops && dir->ops->refresh)
		dir->ops->refresh(dir);
	return entry_find(dir, name, len);
}

int vfs_dir_add(struct vnode *dir, const char *name, size_t len,
                struct vnode *vn)
{
	if (len > VFS_NAME_MAX)
		return -KENAMETOOLONG;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.') ||
	    entry_find(dir, name, len))
		return -KEEXIST;
	struct vdirent *e = kmalloc(sizeof(*e) + len + 1);
	if (!e)
		return -KENOMEM;
	kmemcpy(e->name, name, len);
	e->name[len] = 0;
	e->len = len;
	e->vn = vn;
	e->next = dir->entries;
	dir->entries = e;
	vn->nlink++;
	if ((vn->mode & VFS_S_IFMT) == VFS_S_IFDIR)
		vn->parent = dir;
	dir->mtime_ns = ktime_wall_coarse_ns();
	return 0;
}

/* Removes the entry and returns its node (still allocated). */
static struct vnode *dir_remove(struct vnode *dir, const char *name, size_t len)
{
	for (struct vdirent **l = &dir->entries; *l; l = &(*l)->next) {
		struct vdirent *e = *l;
		if (e->len == len && !kmemcmp(e->name, name, len)) {
			struct vnode *vn = e->vn;
			*l = e->next;
			kfree(e);
			vn->nlink--;
			dir->mtime_ns = ktime_wall_coarse_ns();
			return vn;
		}
	}
	return 0;
}

void vfs_dir_remove(struct vnode *dir, const char *name)
{
	struct vnode *vn = dir_remove(dir, name, kstrlen(name));
	if (vn)
		vfs_vnode_maybe_free(vn);
}

static int readonly(struct vnode *dir)
{
	return (dir->flags & VFS_V_READONLY) != 0;
}

/* Walks components; stops before the last one when want_parent. */
static int walk(struct vnode *base, const char *path, int want_parent,
                struct vnode **out, const char **last, size_t *last_len)
{
	if (!path)
		return -KEFAULT;
	if (!*path)
		return -KENOENT;
	if (kstrnlen(path, VFS_PATH_MAX) == VFS_PATH_MAX)
		return -KENAMETOOLONG;
	struct vnode *vn = *path == '/' ? root : base;
	const char *p = path;
	for (;;) {
		while (*p == '/')
			p++;
		const char *end = p;
		while (*end && *end != '/')
			end++;
		size_t len = (size_t)(end - p);
		const char *rest = end;
		while (*rest == '/')
			rest++;
		if (want_parent && !*rest) {
			if (!len)
				return -KEEXIST; /* the path is "/" */
			*out = vn;
			*last = p;
			*last_len = len;
			return 0;
		}
		if (!len) {
			*out = vn;
			return 0;
		}
		if ((vn->mode & VFS_S_IFMT) != VFS_S_IFDIR)
			return -KENOTDIR;
		if (len > VFS_NAME_MAX)
			return -KENAMETOOLONG;
		struct vnode *next = vfs_dir_find(vn, p, len);
		if (!next)
			return -KENOENT;
		vn = next;
		p = end;
		if (!*p) {
			*out = vn;
			return 0;
		}
	}
}

int vfs_lookup(struct vnode *base, const char *path, struct vnode **out)
{
	return walk(base, path, 0, out, 0, 0);
}

int vfs_lookup_parent(struct vnode *base, const char *path, struct vnode **dir,
                      const char **name, size_t *len)
{
	int err = walk(base, path, 1, dir, name, len);
	if (!err && ((*dir)->mode & VFS_S_IFMT) != VFS_S_IFDIR)
		return -KENOTDIR;
	return err;
}

int vfs_mkdir(struct vnode *base, const char *path, uint32_t perm)
{
	struct vnode *dir;
	const char *name;
	size_t len;
	int err = vfs_lookup_parent(base, path, &dir, &name, &len);
	if (err)
		return err;
	if (vfs_dir_find(dir, name, len))
		return -KEEXIST;
	if (readonly(dir))
		return -KEROFS;
	struct vnode *vn = vfs_vnode_new(VFS_S_IFDIR | (perm & 07777), 0, 0);
	if (!vn)
		return -KENOMEM;
	err = vfs_dir_add(dir, name, len, vn);
	if (err)
		kfree(vn);
	return err;
}

/* A regular file of file_maker's: empty, or holding bytes (in place when
 * the file system can, else copied). */
static struct vnode *new_regular_file(uint32_t perm, const void *bytes,
                                      size_t size)
{
	if (!bytes)
		return file_maker->new_file(perm);
	if (file_maker->new_file_over)
		return file_maker->new_file_over(perm, bytes, size);
	struct vnode *vn = file_maker->new_file(perm);
	if (vn && size && vn->ops->write(vn, bytes, size, 0, 0) < 0) {
		vfs_vnode_maybe_free(vn);
		return 0;
	}
	return vn;
}

static int create_file(struct vnode *base, const char *path, uint32_t perm,
                       const void *bytes, size_t size, struct vnode **out)
{
	struct vnode *dir;
	const char *name;
	size_t len;
	int err = vfs_lookup_parent(base, path, &dir, &name, &len);
	if (err)
		return err;
	if (readonly(dir))
		return -KEROFS;
	if (!file_maker)
		return -KEROFS; /* no file system for regular files linked */
	struct vnode *vn = new_regular_file(perm & 07777, bytes, size);
	if (!vn)
		return -KENOMEM;
	err = vfs_dir_add(dir, name, len, vn);
	if (err) {
		vfs_vnode_maybe_free(vn);
		return err;
	}
	*out = vn;
	return 0;
}

int vfs_create_file(struct vnode *base, const char *path, uint32_t perm,
                    struct vnode **out)
{
	return create_file(base, path, perm, 0, 0, out);
}

int vfs_create_file_over(struct vnode *base, const char *path, uint32_t perm,
                         const void *bytes, size_t size, struct vnode **out)
{
	return create_file(base, path, perm, bytes, size, out);
}

int vfs_bind(const char *path, struct vnode *vn)
{
	/* Make each missing parent, then link the node itself. */
	char buf[VFS_PATH_MAX];
	kstrlcpy(buf, path, sizeof(buf));
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int err = vfs_mkdir(root, buf, 0755);
		*p = '/';
		if (err && err != -KEEXIST)
			return err;
	}
	struct vnode *dir;
	const char *name;
	size_t len;
	int err = vfs_lookup_parent(root, path, &dir, &name, &len);
	return err ? err : vfs_dir_add(dir, name, len, vn);
}

/*
 * Whether vn may lose its name to unlink (want_dir: rmdir) or to a rename of
 * a directory (want_dir) or another file over it: the types must agree and
 * a directory must be empty.
 */
static int check_replaceable(struct vnode *vn, int want_dir)
{
	int is_dir = (vn->mode & VFS_S_IFMT) == VFS_S_IFDIR;
	if (want_dir && !is_dir)
		return -KENOTDIR;
	if (!want_dir && is_dir)
		return -KEISDIR;
	if (is_dir && vn->entries)
		return -KENOTEMPTY;
	return 0;
}

int vfs_unlink(struct vnode *base, const char *path, int want_dir)
{
	struct vnode *dir, *vn;
	const char *name;
	size_t len;
	int err = vfs_lookup_parent(base, path, &dir, &name, &len);
	if (err)
		return err == -KEEXIST ? -KEBUSY : err;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return want_dir ? -KEINVAL : -KEISDIR;
	vn = vfs_dir_find(dir, name, len);
	if (!vn)
		return -KENOENT;
	if (readonly(dir) || readonly(vn))
		return -KEROFS;
	err = check_replaceable(vn, want_dir);
	if (err)
		return err;
	if (vn == cwd || vn == root)
		return -KEBUSY;
	dir_remove(dir, name, len);
	vfs_vnode_maybe_free(vn);
	return 0;
}

static int is_ancestor(struct vnode *a, struct vnode *b)
{
	for (struct vnode *v = b;; v = v->parent) {
		if (v == a)
			return 1;
		if (v == root)
			return 0;
	}
}

int vfs_rename(struct vnode *obase, const char *from, struct vnode *nbase,
               const char *to)
{
	struct vnode *odir, *ndir, *vn, *target;
	const char *oname, *nname;
	size_t olen, nlen;
	int err = vfs_lookup_parent(obase, from, &odir, &oname, &olen);
	if (!err)
		err = vfs_lookup_parent(nbase, to, &ndir, &nname, &nlen);
	if (err)
		return err == -KEEXIST ? -KEBUSY : err;
	vn = vfs_dir_find(odir, oname, olen);
	if (!vn)
		return -KENOENT;
	if (readonly(odir) || readonly(ndir) || readonly(vn))
		return -KEROFS;
	int is_dir = (vn->mode & VFS_S_IFMT) == VFS_S_IFDIR;
	if (is_dir && is_ancestor(vn, ndir))
		return -KEINVAL;
	target = vfs_dir_find(ndir, nname, nlen);
	if (target == vn)
		return 0;
	if (target) {
		err = check_replaceable(target, is_dir);
		if (err)
			return err;
		dir_remove(ndir, nname, nlen);
		vfs_vnode_maybe_free(target);
	}
	dir_remove(odir, oname, olen);
	err = vfs_dir_add(ndir, nname, nlen, vn);
	KASSERT(!err); /* the name was just freed */
	return 0;
}

int vfs_readdir(struct vnode *dir, uint64_t index, const char **name,
                struct vnode **vn)
{
	if (index == 0) {
		*name = ".";
		*vn = dir;
		return 0;
	}
	if (index == 1) {
		*name = "..";
		*vn = dir->parent;
		return 0;
	}
	if (dir->ops && dir->ops->refresh)
		dir->ops->refresh(dir);
	uint64_t i = 2;
	for (struct vdirent *e = dir->entries; e; e = e->next, i++)
		if (i == index) {
			*name = e->name;
			*vn = e->vn;
			return 0;
		}
	return -KENOENT;
}

static const char *name_in_parent(struct vnode *dir)
{
	for (struct vdirent *e = dir->parent->entries; e; e = e->next)
		if (e->vn == dir)
			return e->name;
	return "?";
}

long vfs_getcwd(char *buf, size_t size)
{
	/* Built backwards from the working directory up to the root. */
	char tmp[VFS_PATH_MAX];
	size_t pos = sizeof(tmp) - 1;
	tmp[pos] = 0;
	for (struct vnode *v = cwd; v != root; v = v->parent) {
		const char *name = name_in_parent(v);
		size_t len = kstrlen(name);
		if (pos < len + 1)
			return -KENAMETOOLONG;
		pos -= len;
		kmemcpy(tmp + pos, name, len);
		tmp[--pos] = '/';
	}
	if (pos == sizeof(tmp) - 1)
		tmp[--pos] = '/';
	size_t need = sizeof(tmp) - pos;
	if (need > size)
		return -KERANGE;
	kmemcpy(buf, tmp + pos, need);
	return (long)need;
}

/* Appends "/name..." for the path from dir down to vn into buf at *pos;
 * 1 when found. The tree has no cycles: a directory has one name. */
static int find_path(struct vnode *dir, struct vnode *vn, char *buf,
                     size_t size, size_t *pos)
{
	for (struct vdirent *e = dir->entries; e; e = e->next) {
		size_t len = e->len, at = *pos;
		if (at + 1 + len >= size)
			continue;
		buf[at] = '/';
		kmemcpy(buf + at + 1, e->name, len);
		*pos = at + 1 + len;
		if (e->vn == vn)
			return 1;
		if ((e->vn->mode & VFS_S_IFMT) == VFS_S_IFDIR &&
		    find_path(e->vn, vn, buf, size, pos))
			return 1;
		*pos = at;
	}
	return 0;
}

long vfs_path_of(struct vnode *vn, char *buf, size_t size)
{
	/* A search from the root: files keep no parent pointer, and the
	 * trees of a unikernel are small. Built in buf itself, so that a
	 * system call costs no second path buffer on the caller's stack. */
	size_t pos = 0;
	if (size < 2)
		return -KERANGE;
	if (vn == root)
		buf[pos++] = '/';
	else if (!find_path(root, vn, buf, size, &pos))
		return -KENOENT;
	buf[pos] = 0;
	return (long)pos;
}
