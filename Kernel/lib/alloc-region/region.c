/*
 * Region allocator: one address-ordered free list of ranges over all free
 * RAM, first fit, with neighbours merged on free. Small and predictable,
 * with no per-page metadata: the free-list node lives in the free range
 * itself. Allocation is O(free ranges), so it suits images that allocate
 * little or mostly at start-up; alloc-buddy scales better.
 *
 * Heap blocks carry a 16-byte header holding their size; page blocks carry
 * nothing (the caller passes the order back to free them).
 */
#include <stdint.h>
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>

#define GRAIN 16 /* every range is a multiple of this, and aligned to it */

struct free_range {
	size_t size;
	struct free_range *next;
};

struct block_header {
	size_t size; /* of the whole block, header included */
	size_t reserved;
};

const char kalloc_backend_name[] = "region";

static struct free_range *free_list;
static size_t total_bytes, free_bytes, live_blocks;

/* Returns [addr, addr+size) to the free list, merging with neighbours. */
static void give(uintptr_t addr, size_t size)
{
	struct free_range **link = &free_list;

	while (*link && (uintptr_t)*link < addr)
		link = &(*link)->next;
	struct free_range *next = *link;
	struct free_range *r = (struct free_range *)addr;
	r->size = size;
	r->next = next;
	*link = r;
	if (next && addr + size == (uintptr_t)next) {
		r->size += next->size;
		r->next = next->next;
	}
	/* Merge with the previous range: link points into it. */
	if (link != &free_list) {
		struct free_range *prev =
		    (struct free_range *)((char *)link -
		                          __builtin_offsetof(struct free_range,
		                                             next));
		if ((uintptr_t)prev + prev->size == addr) {
			prev->size += r->size;
			prev->next = r->next;
		}
	}
	free_bytes += size;
}

/* Carves size bytes aligned to align (a power of two >= GRAIN). */
static void *take(size_t size, size_t align)
{
	for (struct free_range **link = &free_list; *link;
	     link = &(*link)->next) {
		struct free_range *r = *link;
		uintptr_t base = (uintptr_t)r;
		uintptr_t end = base + r->size;
		uintptr_t start = (base + align - 1) & ~(uintptr_t)(align - 1);
		if (start < base || start + size > end || start + size < start)
			continue;
		struct free_range *rest = r->next;
		if (start + size < end) {
			struct free_range *back =
			    (struct free_range *)(start + size);
			back->size = end - (start + size);
			back->next = rest;
			rest = back;
		}
		if (start > base) {
			r->size = start - base;
			r->next = rest;
		} else {
			*link = rest;
		}
		free_bytes -= size;
		return (void *)start;
	}
	return 0;
}

int kalloc_backend_init(const struct kmem_region *regions, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uintptr_t base = (regions[i].base + GRAIN - 1) & ~(GRAIN - 1);
		uintptr_t end = (regions[i].base + regions[i].size) &
		                ~(uintptr_t)(GRAIN - 1);
		if (end > base) {
			give(base, end - base);
			total_bytes += end - base;
		}
	}
	return free_list ? 0 : -KENOMEM;
}

void *kalloc_backend_alloc(size_t size)
{
	if (size > SIZE_MAX - 2 * GRAIN)
		return 0;
	size_t total = (size + sizeof(struct block_header) + GRAIN - 1) &
	               ~(size_t)(GRAIN - 1);
	struct block_header *h = take(total, GRAIN);
	if (!h)
		return 0;
	h->size = total;
	live_blocks++;
	return h + 1;
}

void kalloc_backend_free(void *ptr)
{
	struct block_header *h = (struct block_header *)ptr - 1;
	live_blocks--;
	give((uintptr_t)h, h->size);
}

size_t kalloc_backend_usable_size(void *ptr)
{
	return ((struct block_header *)ptr - 1)->size -
	       sizeof(struct block_header);
}

void *kalloc_backend_pages(unsigned order)
{
	if (order >= 8 * sizeof(size_t) - 12)
		return 0;
	size_t size = ARCH_PAGE_SIZE << order;
	void *p = take(size, size);
	if (p)
		live_blocks++;
	return p;
}

void kalloc_backend_free_pages(void *pages, unsigned order)
{
	live_blocks--;
	give((uintptr_t)pages, ARCH_PAGE_SIZE << order);
}

void *kalloc_backend_run(size_t count)
{
	if (count > SIZE_MAX / ARCH_PAGE_SIZE)
		return 0;
	void *p = take(count * ARCH_PAGE_SIZE, ARCH_PAGE_SIZE);
	if (p)
		live_blocks++;
	return p;
}

void kalloc_backend_free_run(void *pages, size_t count, size_t keep)
{
	if (!keep)
		live_blocks--;
	give((uintptr_t)pages + keep * ARCH_PAGE_SIZE,
	     (count - keep) * ARCH_PAGE_SIZE);
}

void kalloc_backend_stats(struct kalloc_stats *stats)
{
	stats->total_bytes = total_bytes;
	stats->free_bytes = free_bytes;
	stats->allocations = live_blocks;
}
