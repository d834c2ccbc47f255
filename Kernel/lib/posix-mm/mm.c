/*
 * Anonymous memory for the libc's allocator. There is one address space and
 * no paging, so a "mapping" is a zeroed run of pages (kpage_alloc_run: exact
 * length, so a program can map nearly all of RAM, in one piece or many),
 * recorded in a list so that munmap and mremap can find it. Unmapping or
 * shrinking the tail of a mapping frees those pages at once; unmapping its
 * head or middle only counts the released bytes, and the run is freed when
 * all of it is unmapped (rare for a libc; it holds at most that run until
 * then). Protections are not enforced: mprotect succeeds (but for files
 * mapped in place, below).
 *
 * Whole runs that are unmapped go to a small cache (at most
 * CONFIG_POSIX_MM_CACHE_PAGES pages), from which a mapping of the same length
 * is served: mallocng maps and unmaps one page about every tenth malloc in a
 * steady loop, and a thread's stack is the same length every time, while a
 * fresh run costs a walk of the page allocator's free blocks (tens of
 * microseconds under TCG once RAM is fragmented). A cached run is zeroed
 * again when it is handed out, but only in the pages written since it was
 * last zeroed: dirty bits say which (arch_zero_written_pages; x86's page
 * tables have them, arm64 keeps them in software: QEMU 7.2 has no hardware
 * ones there, so a run's clean pages are read-only and the first write to
 * each is a fault that marks it). A thread's 140 KiB
 * stack mapping is written only near its top (TLS, the thread structure,
 * a few frames), and zeroing the rest was most of a thread create + join.
 * Runs shorter than TRACK_MIN_PAGES are zeroed whole: mallocng writes
 * every page of its small groups, so tracking would cost a TLB flush per
 * page for nothing. Only the CPU writes these runs (no
 * driver hands them to a device), so the dirty bits see every write.
 * When RAM runs short the cache is given back
 * before any allocation fails (KALLOC_RECLAIMABLE_REGISTER: kcore asks
 * for it), so /proc/meminfo counts it as available.
 *
 * A read-only file mapping of bytes that lie in memory for good (an initrd
 * file, which ramfs reads in place: the node's bytes_in_place) is those
 * bytes, where they are, when they start on a page: nothing is copied or
 * allocated, whatever the file's length, and munmap only forgets the
 * record. The rest of the file's last page must read as zeros, as on Linux:
 * the initrd zeroes it at boot where no other file's bytes lie (initrd.c),
 * and it is checked here. kraft's cpio writer starts large files on a page
 * (CpioWriter). Protections are not enforced, so mprotect refuses to make
 * such a mapping writable (EACCES) rather than let a write change the file.
 * Any other file mapping (writable and private, a file written since boot,
 * bytes not on a page) is a run filled from the file with pread at mmap
 * time: with one address space and no page faults there is nothing to
 * share lazily, and a private copy is exactly what MAP_PRIVATE promises
 * (what the file does later is not seen, which POSIX leaves unspecified).
 * The copy reads through the system-call layer (fcntl, pread64). A shared
 * mapping that may be written would have to reach the file again: it fails
 * with ENODEV.
 *
 * brk grows within one region reserved on first use
 * (CONFIG_POSIX_MM_BRK_ORDER pages, 2^order); past it brk fails the Linux way
 * (returns the old break) and musl falls back to mmap. The region is taken
 * whole at the first brk, used or not, so it is small by default (64 KiB:
 * mallocng keeps only its metadata there; 1 MiB raised musl-stdio's smallest
 * guest by 960 KiB).
 */
#include <stdint.h>
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/posix_fd.h>
#include <kraft/syscall.h>
#include <kraft/vfs.h>

#ifndef CONFIG_POSIX_MM_BRK_ORDER
#define CONFIG_POSIX_MM_BRK_ORDER 4
#endif
#ifndef CONFIG_POSIX_MM_CACHE_PAGES
#define CONFIG_POSIX_MM_CACHE_PAGES 64
#endif
#define CACHE_SLOTS 16
/* Runs at least this long (and short enough to be cached) are zeroed by
 * page, where their dirty bits say so. */
#define TRACK_MIN_PAGES 8

#define PROT_NONE       0
#define PROT_WRITE      0x2
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20
#define MREMAP_MAYMOVE  1
#define MAP_FAILED_ADDR ((long)-1)
#define F_GETFL         3
#define O_ACCMODE       3
#define O_WRONLY        1
#define O_RDWR          2

struct mapping {
	uintptr_t base;
	size_t len;      /* page-rounded */
	size_t released; /* bytes unmapped so far */
	struct mapping *next;
	bool in_place; /* a file's bytes where they lie: nothing to free */
};

static struct mapping *mappings;
/* How many of them are in place (mprotect looks only when some are). */
static unsigned in_place_count;

static struct mapping *find(uintptr_t addr, struct mapping ***link)
{
	for (struct mapping **l = &mappings; *l; l = &(*l)->next)
		if (addr >= (*l)->base && addr < (*l)->base + (*l)->len) {
			if (link)
				*link = l;
			return *l;
		}
	return 0;
}

static size_t pages_of(size_t len)
{
	return len / ARCH_PAGE_SIZE;
}

static struct cached_run {
	void *base;
	size_t pages;
} cache[CACHE_SLOTS];
static unsigned cache_count;
static size_t cache_pages;

static void cache_flush(void)
{
	while (cache_count) {
		struct cached_run *c = &cache[--cache_count];
		kpage_free_run(c->base, c->pages);
	}
	cache_pages = 0;
}

/* A run of exactly `pages`: the most recently cached one of that length
 * (*cached set), else a fresh one (when RAM is short, kpage_alloc_run has
 * this cache, and every other, given back first: cache_flush below). */
static void *run_get(size_t pages, bool *cached)
{
	*cached = false;
	for (unsigned i = cache_count; i-- > 0;)
		if (cache[i].pages == pages) {
			void *base = cache[i].base;
			cache[i] = cache[--cache_count];
			cache_pages -= pages;
			*cached = true;
			return base;
		}
	return kpage_alloc_run(pages);
}

static void run_put(void *base, size_t pages)
{
	if (cache_count < CACHE_SLOTS &&
	    pages <= CONFIG_POSIX_MM_CACHE_PAGES - cache_pages) {
		cache[cache_count++] = (struct cached_run){base, pages};
		cache_pages += pages;
		return;
	}
	kpage_free_run(base, pages);
}

static size_t cached_bytes(void)
{
	return cache_pages * ARCH_PAGE_SIZE;
}
KALLOC_RECLAIMABLE_REGISTER(posix_mm_run_cache, cached_bytes, cache_flush);

/* A run of len bytes, recorded; not yet zeroed. *cached tells whether it was
 * mapped before (and so may hold clean pages). */
static void *map_run(size_t len, bool *cached)
{
	struct mapping *m = kmalloc(sizeof(*m));
	if (!m)
		return 0;
	void *mem = run_get(pages_of(len), cached);
	if (!mem) {
		kfree(m);
		return 0;
	}
	*m = (struct mapping){(uintptr_t)mem, len, 0, mappings, false};
	mappings = m;
	return mem;
}

/* Zeroes a run about to be handed out. A run that may come back from the
 * cache leaves every page clean, so that next time only the pages written
 * meanwhile are zeroed. */
static void zero_run(char *mem, size_t len, bool cached)
{
	size_t pages = pages_of(len);
	if (pages < TRACK_MIN_PAGES || pages > CONFIG_POSIX_MM_CACHE_PAGES)
		kmemset(mem, 0, len);
	else
		arch_zero_written_pages(mem, pages, !cached);
}

static long map_anonymous(size_t len)
{
	bool cached;
	void *mem = map_run(len, &cached);
	if (!mem)
		return -KENOMEM;
	zero_run(mem, len, cached);
	return (long)mem;
}

static long sys_munmap(long addr, long length, long a2, long a3, long a4,
                       long a5);

/* Linux's checks, in its order: the file must be open for reading, and for
 * writing too when a shared mapping may write it. */
static long file_access_check(long fd, long prot, long flags)
{
	long fl = ksyscall(KSYS_fcntl, fd, F_GETFL, 0, 0, 0, 0);
	if (fl < 0)
		return fl; /* EBADF */
	if ((fl & O_ACCMODE) == O_WRONLY)
		return -KEACCES;
	if ((flags & MAP_SHARED) && (prot & PROT_WRITE)) {
		if ((fl & O_ACCMODE) != O_RDWR)
			return -KEACCES;
		return -KENODEV; /* shared writable file mappings */
	}
	return 0;
}

/* Whether [p, p + n) holds only zero bytes. */
static bool all_zero(const char *p, size_t n)
{
	for (; n && ((uintptr_t)p & 7); n--)
		if (*p++)
			return false;
	for (; n >= 8; n -= 8, p += 8)
		if (*(const uint64_t *)p)
			return false;
	for (; n; n--)
		if (*p++)
			return false;
	return true;
}

/* Where [offset, offset + len) of fd's file lies for good, when a read-only
 * mapping can be those bytes: they start on a page, the mapping ends in the
 * file's last page, and the rest of that page is zero. NULL otherwise. */
static const char *bytes_in_place(long fd, size_t len, long offset)
{
	struct kfile *f = kfd_get((int)fd);
	if (!f || !f->vn->ops || !f->vn->ops->bytes_in_place)
		return 0;
	const char *bytes = f->vn->ops->bytes_in_place(f->vn);
	uint64_t size = f->vn->size;
	uint64_t end = (uint64_t)offset + len; /* len is page-rounded */
	if (!bytes || ((uintptr_t)bytes & (ARCH_PAGE_SIZE - 1)) ||
	    end > arch_page_round((size_t)size))
		return 0;
	if (end > size && !all_zero(bytes + size, (size_t)(end - size)))
		return 0;
	return bytes + offset;
}

static long map_in_place(const char *bytes, size_t len)
{
	struct mapping *m = kmalloc(sizeof(*m));
	if (!m)
		return -KENOMEM;
	*m = (struct mapping){(uintptr_t)bytes, len, 0, mappings, true};
	mappings = m;
	in_place_count++;
	return (long)bytes;
}

/* len bytes of fd from offset: in place when they lie in memory for good
 * and the mapping cannot write, else a copy in a fresh run; past the end of
 * the file the mapping is zero, as the tail of its last page is on Linux. */
static long map_file(size_t len, long prot, long flags, long fd, long offset)
{
	long err = file_access_check(fd, prot, flags);
	if (err)
		return err;
	if (!(prot & PROT_WRITE)) {
		const char *bytes = bytes_in_place(fd, len, offset);
		if (bytes)
			return map_in_place(bytes, len);
	}
	bool cached;
	char *mem = map_run(len, &cached);
	if (!mem)
		return -KENOMEM;
	size_t got = 0;
	while (got < len) {
		long n = ksyscall(KSYS_pread64, fd, (long)(mem + got),
		                  (long)(len - got), offset + (long)got, 0, 0);
		if (n < 0) {
			sys_munmap((long)mem, (long)len, 0, 0, 0, 0);
			/* A pipe, a directory: nothing to map (Linux's ENODEV).
			 */
			return n == -KEINTR ? n : -KENODEV;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	kmemset(mem + got, 0, len - got);
	return (long)mem;
}

static long sys_mmap(long addr, long length, long prot, long flags, long fd,
                     long offset)
{
	if (length <= 0 || (offset & (ARCH_PAGE_SIZE - 1)) ||
	    (size_t)length > SIZE_MAX - ARCH_PAGE_SIZE)
		return -KEINVAL;
	if (flags & MAP_FIXED)
		return -KENOMEM; /* no address space to place it in */
	if (!(flags & MAP_ANONYMOUS))
		return map_file(arch_page_round((size_t)length), prot, flags, fd,
		                offset);
	return map_anonymous(arch_page_round((size_t)length));
}
/* A leaf: a file mapping blocks, if at all, in the pread64 it makes through
 * ksyscall. */
KSYSCALL_REGISTER_LEAF(mmap, sys_mmap);

static long sys_munmap(long addr, long length, long a2, long a3, long a4,
                       long a5)
{
	struct mapping **link, *m;

	if ((addr & (ARCH_PAGE_SIZE - 1)) || length <= 0)
		return -KEINVAL;
	m = find((uintptr_t)addr, &link);
	if (!m)
		return 0; /* Linux: unmapping nothing is not an error */
	size_t len = arch_page_round((size_t)length);
	if ((uintptr_t)addr + len > m->base + m->len)
		len = m->base + m->len - (uintptr_t)addr;
	if ((uintptr_t)addr > m->base &&
	    (uintptr_t)addr + len == m->base + m->len) {
		/* The tail: its pages go back now. */
		size_t keep = pages_of((uintptr_t)addr - m->base);
		if (!m->in_place)
			kpage_trim_run((void *)m->base, pages_of(m->len), keep);
		m->len -= len;
	} else {
		m->released += len;
	}
	if (m->released >= m->len) {
		*link = m->next;
		if (m->in_place)
			in_place_count--;
		else
			run_put((void *)m->base, pages_of(m->len));
		kfree(m);
	}
	return 0;
}
KSYSCALL_REGISTER_LEAF(munmap, sys_munmap);

static long sys_mremap(long old_addr, long old_len, long new_len, long flags,
                       long new_addr, long a5)
{
	struct mapping *m = find((uintptr_t)old_addr, 0);
	size_t newl = arch_page_round((size_t)new_len);

	if (!m || m->base != (uintptr_t)old_addr || new_len <= 0)
		return -KEINVAL;
	if (newl < m->len && !m->released) {
		/* Shrinking in place frees the tail. */
		if (!m->in_place)
			kpage_trim_run((void *)m->base, pages_of(m->len),
			               pages_of(newl));
		m->len = newl;
	}
	if (newl <= m->len)
		return old_addr;
	if (!(flags & MREMAP_MAYMOVE))
		return -KENOMEM;
	long fresh = map_anonymous(newl);
	if (fresh < 0)
		return fresh;
	kmemcpy((void *)fresh, (void *)m->base, m->len);
	sys_munmap((long)m->base, (long)m->len, 0, 0, 0, 0);
	return fresh;
}
KSYSCALL_REGISTER(mremap, sys_mremap);

/* Protections are not enforced, so a file's bytes mapped in place must not
 * become writable: a write would change the file (Linux would give the
 * private mapping copies of the pages; this kernel has no page faults to
 * make them). Everything else is accepted and changes nothing. */
static long sys_mprotect(long addr, long length, long prot, long a3, long a4,
                         long a5)
{
	if (!(prot & PROT_WRITE) || !in_place_count)
		return 0;
	uintptr_t start = (uintptr_t)addr, end = start + (size_t)length;
	for (struct mapping *m = mappings; m; m = m->next)
		if (m->in_place && start < m->base + m->len && end > m->base)
			return -KEACCES;
	return 0;
}
KSYSCALL_REGISTER_LEAF(mprotect, sys_mprotect);

static long sys_accept_hint(long a0, long a1, long a2, long a3, long a4,
                            long a5)
{
	return 0; /* advice has nothing to act on here */
}
KSYSCALL_REGISTER_LEAF(madvise, sys_accept_hint);

static uintptr_t brk_base, brk_cur;

static long sys_brk(long addr, long a1, long a2, long a3, long a4, long a5)
{
	size_t limit = ARCH_PAGE_SIZE << CONFIG_POSIX_MM_BRK_ORDER;

	if (!brk_base) {
		void *region = kpage_alloc(CONFIG_POSIX_MM_BRK_ORDER);
		if (!region)
			return 0;
		brk_base = brk_cur = (uintptr_t)region;
	}
	uintptr_t want = (uintptr_t)addr;
	if (want < brk_base || want > brk_base + limit)
		return (long)brk_cur;
	if (want > brk_cur)
		kmemset((void *)brk_cur, 0, want - brk_cur);
	brk_cur = want;
	return (long)brk_cur;
}
KSYSCALL_REGISTER(brk, sys_brk);
