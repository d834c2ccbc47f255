/*
 * The heap API over whichever allocator the image links (kraft/alloc.h).
 * Every block carries a 16-byte header in front of the caller's pointer:
 * the distance back to the allocator's block (16, or more for an aligned
 * block) and a magic number, so kfree handles plain and aligned blocks
 * alike and catches frees of pointers the heap never returned.
 * An allocation that finds no memory first has the caches that registered
 * with KALLOC_RECLAIMABLE_REGISTER give theirs back, then tries once more.
 *
 * The allocator takes RAM at the first allocation, not at boot: its set-up
 * (bitmaps, free lists per region) is code that runs once, and under QEMU's
 * TCG code run once costs its translation, most of what a small image's
 * boot costs the monitor (docs/kernel.md, "Boot time"). An image that never
 * allocates (hello) never pays it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>

#define HEADER_SIZE 16
#define HEAP_MAGIC  0x6b72616674686561ULL /* "krafthea" */

struct header {
	uint64_t offset; /* from the allocator's block to the user pointer */
	uint64_t magic;
};

/* The free RAM kcore_start handed over, until the allocator owns it. */
static const struct kmem_region *pending_regions;
static unsigned pending_count;
static bool allocator_ready;

void kalloc_init_lazily(const struct kmem_region *regions, unsigned n)
{
	pending_regions = regions;
	pending_count = n;
}

/* Cold and out of line: the fast paths keep one test of a flag. */
static __attribute__((noinline, cold)) void allocator_start(void)
{
	allocator_ready = true;
	if (kalloc_backend_init(pending_regions, pending_count))
		kpanic("no usable RAM for allocator '%s'", kalloc_backend_name);
}

static inline void allocator_needed(void)
{
	if (__builtin_expect(!allocator_ready, 0))
		allocator_start();
}

void kalloc_stats(struct kalloc_stats *stats)
{
	allocator_needed();
	kalloc_backend_stats(stats);
}

static struct header *header_of(void *ptr)
{
	struct header *h = (struct header *)((char *)ptr - HEADER_SIZE);
	if (h->magic != HEAP_MAGIC)
		kpanic("heap corruption or bad pointer %p passed to free", ptr);
	return h;
}

/* What KALLOC_RECLAIMABLE_REGISTER put in the section (weak: an image may
 * have no such cache). */
extern const struct kalloc_reclaimable __start_kalloc_reclaimables[]
    __attribute__((weak));
extern const struct kalloc_reclaimable __stop_kalloc_reclaimables[]
    __attribute__((weak));

/* Every cache's idle memory back to the allocator. The scheduler is
 * cooperative, so nothing else runs while a reclaim does. */
static void reclaim_all(void)
{
	for (const struct kalloc_reclaimable *r = __start_kalloc_reclaimables;
	     r < __stop_kalloc_reclaimables; r++)
		if (r->reclaim)
			r->reclaim();
}

/* The allocation `call`, made once more after every cache gave its idle
 * memory back when the first attempt found none. */
#define ALLOC_OR_RECLAIM(call)                                                 \
	({                                                                     \
		void *got_ = (call);                                           \
		if (!got_) {                                                   \
			reclaim_all();                                         \
			got_ = (call);                                         \
		}                                                              \
		got_;                                                          \
	})

static void *place(void *raw, size_t align)
{
	uintptr_t user = ((uintptr_t)raw + HEADER_SIZE + align - 1) &
	                 ~(uintptr_t)(align - 1);
	struct header *h = (struct header *)(user - HEADER_SIZE);
	h->offset = user - (uintptr_t)raw;
	h->magic = HEAP_MAGIC;
	return (void *)user;
}

void *kmalloc(size_t size)
{
	if (size > SIZE_MAX - HEADER_SIZE)
		return 0;
	allocator_needed();
	void *raw = ALLOC_OR_RECLAIM(kalloc_backend_alloc(size + HEADER_SIZE));
	return raw ? place(raw, HEADER_SIZE) : 0;
}

void *kcalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return 0;
	void *p = kmalloc(n * size);
	if (p)
		kmemset(p, 0, n * size);
	return p;
}

void kfree(void *ptr)
{
	if (!ptr)
		return;
	struct header *h = header_of(ptr);
	void *raw = (char *)ptr - h->offset;
	h->magic = 0; /* a second free of ptr is caught */
	kalloc_backend_free(raw);
}

size_t kmalloc_usable_size(void *ptr)
{
	if (!ptr)
		return 0;
	struct header *h = header_of(ptr);
	return kalloc_backend_usable_size((char *)ptr - h->offset) - h->offset;
}

void *krealloc(void *ptr, size_t size)
{
	if (!ptr)
		return kmalloc(size);
	if (!size) {
		kfree(ptr);
		return 0;
	}
	size_t have = kmalloc_usable_size(ptr);
	if (have >= size)
		return ptr;
	void *p = kmalloc(size);
	if (!p)
		return 0; /* the old block stays valid */
	kmemcpy(p, ptr, have);
	kfree(ptr);
	return p;
}

int kmemalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return -KEINVAL;
	if (align <= HEADER_SIZE) {
		*out = kmalloc(size);
		return *out ? 0 : -KENOMEM;
	}
	if (size > SIZE_MAX - HEADER_SIZE - align)
		return -KENOMEM;
	allocator_needed();
	void *raw =
	    ALLOC_OR_RECLAIM(kalloc_backend_alloc(size + HEADER_SIZE + align));
	if (!raw)
		return -KENOMEM;
	*out = place(raw, align);
	return 0;
}

void *kpage_alloc(unsigned order)
{
	allocator_needed();
	return ALLOC_OR_RECLAIM(kalloc_backend_pages(order));
}

void kpage_free(void *pages, unsigned order)
{
	if (pages)
		kalloc_backend_free_pages(pages, order);
}

void *kpage_alloc_or_panic(unsigned order, const char *why)
{
	void *p = kpage_alloc(order);
	if (!p)
		kpanic("out of memory: %s needs %lu KiB", why, (4UL << order));
	return p;
}

void *kpage_alloc_run(size_t count)
{
	if (!count)
		return 0;
	allocator_needed();
	return ALLOC_OR_RECLAIM(kalloc_backend_run(count));
}

void kpage_trim_run(void *pages, size_t count, size_t keep)
{
	if (pages && keep && keep < count)
		kalloc_backend_free_run(pages, count, keep);
}

void kpage_free_run(void *pages, size_t count)
{
	if (pages && count)
		kalloc_backend_free_run(pages, count, 0);
}
