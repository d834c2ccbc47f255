/*
 * Memory allocation: one interface, several allocators. An allocator library
 * (alloc-buddy, alloc-region, ...) provides the capability "allocator" by
 * implementing the kalloc_backend_* functions below; kcore builds the heap
 * API (kmalloc and friends) on top of them, so alignment, realloc and the
 * error contract behave the same whichever allocator an image picks.
 *
 * Error contract: allocation functions return NULL when memory is exhausted
 * (callers decide; libc maps it to ENOMEM). kmemalign returns -KEINVAL for a
 * bad alignment and -KENOMEM when out of memory. Freeing NULL is a no-op.
 */
#ifndef KRAFT_ALLOC_H
#define KRAFT_ALLOC_H

#include <stddef.h>
#include <kraft/boot.h>

/* Heap: 16-byte aligned blocks. */
void *kmalloc(size_t size);
void *kcalloc(size_t n, size_t size);
void *krealloc(void *ptr, size_t size);
void kfree(void *ptr);
/* align: a power of two, at least sizeof(void *). */
int kmemalign(void **out, size_t align, size_t size);
size_t kmalloc_usable_size(void *ptr);

/* Pages: 2^order contiguous pages, aligned to their size. */
void *kpage_alloc(unsigned order);
void kpage_free(void *pages, unsigned order);

/* Like kpage_alloc, but the kernel cannot go on without it: panics. */
void *kpage_alloc_or_panic(unsigned order, const char *why);

/*
 * Runs: count contiguous pages (any count >= 1, not only a power of two),
 * page-aligned, nothing wasted on rounding. For big blocks (the libc's mmap):
 * any stretch of free RAM long enough serves, so one run can take nearly all
 * of memory. kpage_trim_run frees the pages from keep on (0 < keep < count);
 * the run is then keep pages long. kpage_free_run frees a whole run.
 */
void *kpage_alloc_run(size_t count);
void kpage_trim_run(void *pages, size_t count, size_t keep);
void kpage_free_run(void *pages, size_t count);

struct kalloc_stats {
	size_t total_bytes; /* RAM handed to the allocator */
	size_t free_bytes;  /* not allocated now (some may be fragmented) */
	size_t allocations; /* live blocks */
};

/* The allocator's figures now (it takes RAM first if it has not yet). */
void kalloc_stats(struct kalloc_stats *stats);

/*
 * kcore_start hands the boot's free RAM over with this; the allocator takes
 * it at the first allocation (or kalloc_stats), so a boot that allocates
 * nothing does not set it up. regions must stay valid until then.
 */
void kalloc_init_lazily(const struct kmem_region *regions, unsigned n);

/*
 * Memory a library keeps allocated for reuse but gives back when RAM runs
 * short (a cache of freed runs, idle device buffers): /proc/meminfo counts
 * it as available, as Linux counts its reclaimable caches, so a figure taken
 * after a load says what was not given back rather than what a cache happens
 * to hold. When an allocation of the heap, of pages or of a run finds no
 * memory, kcore calls every reclaim and tries once more, so what a cache
 * holds is never what makes an allocation fail. A reclaim only frees (it
 * must not allocate) and may run inside any allocation, also one made by
 * the library itself: it gives back only what is idle at that moment.
 * Registered through a linker section, like system calls.
 */
struct kalloc_reclaimable {
	size_t (*bytes)(void); /* held now */
	void (*reclaim)(void); /* gives it back */
};
#define KALLOC_RECLAIMABLE_REGISTER(name, bytes_fn, reclaim_fn)                \
	static const struct kalloc_reclaimable kalloc_reclaimable_##name       \
	    __attribute__((used, retain, section("kalloc_reclaimables"),       \
	                   aligned(sizeof(long)))) = {bytes_fn, reclaim_fn}

/* --- implemented by the chosen allocator library --- */

/* The allocator's name, for the boot log. */
extern const char kalloc_backend_name[];
/* Takes ownership of the free RAM regions; returns 0 or -KENOMEM. kcore
 * calls it once, before the first allocation. */
int kalloc_backend_init(const struct kmem_region *regions, unsigned n);
/* size > 0; the result is 16-byte aligned, or NULL. */
void *kalloc_backend_alloc(size_t size);
void kalloc_backend_free(void *ptr);
/* The usable size of a block from kalloc_backend_alloc (>= its size). */
size_t kalloc_backend_usable_size(void *ptr);
void *kalloc_backend_pages(unsigned order);
void kalloc_backend_free_pages(void *pages, unsigned order);
void *kalloc_backend_run(size_t count);
/* Frees pages [keep, count) of a run; keep == 0 frees the whole run. */
void kalloc_backend_free_run(void *pages, size_t count, size_t keep);
/* kcore's kalloc_stats calls it once the allocator owns RAM. */
void kalloc_backend_stats(struct kalloc_stats *stats);

#endif /* KRAFT_ALLOC_H */
