/*
 * Device nodes under /dev: console, null, zero, urandom (and random, the
 * same generator). They are character devices bound into the VFS tree at
 * boot. The console is a terminal as far as stdio cares: TIOCGWINSZ answers,
 * so musl line-buffers stdout on it. Console input is polled (the UART has
 * no interrupt wiring); a blocking read waits in 1 ms sleeps, and a byte
 * read ahead by poll() is kept for the next read.
 */
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/ktime.h>
#include <kraft/plat.h>
#include <kraft/posix_process.h>
#include <kraft/print.h>
#include <kraft/syscall.h>
#include <kraft/vfs.h>

#define TCGETS                 0x5401
#define TIOCGWINSZ             0x5413
#define DEV_RDEV(major, minor) (((major) << 8) | (minor))

struct winsize_linux {
	unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

static int lookahead = -1;

static int console_byte(void)
{
	int c = lookahead;
	if (c >= 0) {
		lookahead = -1;
		return c;
	}
	return plat_console_getc();
}

static long console_read(struct vnode *vn, void *buf, size_t n, uint64_t off,
                         int nonblock)
{
	char *out = buf;
	size_t got = 0;
	if (!n)
		return 0;
	for (;;) {
		int c = console_byte();
		if (c < 0) {
			if (got)
				return (long)got;
			if (nonblock)
				return -KEAGAIN;
			ksleep_ns(KTIME_NS_PER_MS);
			continue;
		}
		out[got++] = c == '\r' ? '\n' : (char)c;
		if (got == n || out[got - 1] == '\n')
			return (long)got;
	}
}

static long console_write(struct vnode *vn, const void *buf, size_t n,
                          uint64_t off, int nonblock)
{
	kputs_raw(buf, n);
	return (long)n;
}

static int console_poll(struct vnode *vn)
{
	if (lookahead < 0)
		lookahead = plat_console_getc();
	/* Input is only ever polled: nothing notifies when a byte comes. */
	return VFS_POLLOUT |
	       (lookahead >= 0 ? VFS_POLLIN : VFS_POLL_UNNOTIFIED);
}

static int console_ioctl(struct vnode *vn, unsigned long request, void *arg)
{
	switch (request) {
	case TIOCGWINSZ:
		*(struct winsize_linux *)arg =
		    (struct winsize_linux){24, 80, 0, 0};
		return 0;
	case TCGETS:
		kmemset(arg, 0, 60); /* struct termios: all modes off */
		return 0;
	}
	return -KENOTTY;
}

static long null_read(struct vnode *vn, void *buf, size_t n, uint64_t off,
                      int nonblock)
{
	return 0;
}

static long sink_write(struct vnode *vn, const void *buf, size_t n,
                       uint64_t off, int nonblock)
{
	return (long)n;
}

static long zero_read(struct vnode *vn, void *buf, size_t n, uint64_t off,
                      int nonblock)
{
	kmemset(buf, 0, n);
	return (long)n;
}

static long random_read(struct vnode *vn, void *buf, size_t n, uint64_t off,
                        int nonblock)
{
	kposix_random_bytes(buf, n);
	return (long)n;
}

static int always_ready(struct vnode *vn)
{
	return VFS_POLLIN | VFS_POLLOUT;
}

static const struct vnode_ops console_ops = {
    .read = console_read,
    .write = console_write,
    .poll = console_poll,
    .ioctl = console_ioctl,
};
static const struct vnode_ops null_ops = {
    .read = null_read, .write = sink_write, .poll = always_ready};
static const struct vnode_ops zero_ops = {
    .read = zero_read, .write = sink_write, .poll = always_ready};
static const struct vnode_ops random_ops = {
    .read = random_read, .write = sink_write, .poll = always_ready};

static void bind(const char *path, uint32_t rdev, const struct vnode_ops *ops)
{
	struct vnode *vn = vfs_vnode_new(VFS_S_IFCHR | 0666, ops, 0);
	if (!vn || vfs_bind(path, vn))
		kpanic("cannot create device '%s'", path);
	vn->rdev = rdev;
}

static int devfs_mount(void)
{
	bind("/dev/console", DEV_RDEV(5, 1), &console_ops);
	bind("/dev/null", DEV_RDEV(1, 3), &null_ops);
	bind("/dev/zero", DEV_RDEV(1, 5), &zero_ops);
	bind("/dev/random", DEV_RDEV(1, 8), &random_ops);
	bind("/dev/urandom", DEV_RDEV(1, 9), &random_ops);
	return 0;
}
VFS_FILESYSTEM_REGISTER(devfs, .mount = devfs_mount);
