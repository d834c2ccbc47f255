/*
 * Binary buddy allocator. Free blocks of 2^order pages, aligned to their
 * size, sit on one doubly linked list per order; freeing merges a block with
 * its buddy (address XOR block size) while the buddy is free and whole.
 * "Free and whole" is read from a bitmap with one bit per page marking the
 * first page of every free block (the block's order is in its list node), so
 * allocated memory, whatever it holds, is never mistaken for a free block.
 * Each RAM region keeps its own bitmap, carved from its start.
 *
 * The heap (kalloc_backend_alloc) sits on top: requests up to half a page
 * come from power-of-two size classes carved from single pages; larger ones
 * get whole page blocks. A 16-byte header records which, for free. Pages
 * given to a size class stay there (a simplification: no slab reclaim).
 */
#include <stdbool.h>
#include <stdint.h>
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>

#ifndef CONFIG_ALLOC_BUDDY_MAX_ORDER
#define CONFIG_ALLOC_BUDDY_MAX_ORDER 18
#endif

#define MAX_ORDER    CONFIG_ALLOC_BUDDY_MAX_ORDER
#define PAGE_SHIFT   12
#define MIN_CLASS    5  /* 32-byte objects */
#define MAX_CLASS    11 /* 2048-byte objects */
#define HEADER_SIZE  16
#define LARGE_FLAG   0x100u
#define HEADER_MAGIC 0xb0dd1e5u

struct free_block {
	struct free_block *next, *prev;
	unsigned order;
};

struct zone {
	uintptr_t base, end; /* page-aligned */
	uint64_t *bitmap;    /* bit per page: first page of a free block */
};

struct header {
	uint32_t kind; /* size class, or LARGE_FLAG | page order */
	uint32_t magic;
	uint64_t reserved;
};

struct object {
	struct object *next;
};

const char kalloc_backend_name[] = "buddy";

static struct free_block *free_lists[MAX_ORDER + 1];
static struct object *class_lists[MAX_CLASS + 1];
static struct zone zones[KBOOT_MAX_REGIONS];
static unsigned nzones;
static size_t total_bytes, free_bytes, live_blocks;

static struct zone *zone_of(uintptr_t addr, size_t size)
{
	for (unsigned i = 0; i < nzones; i++)
		if (addr >= zones[i].base && addr + size <= zones[i].end)
			return &zones[i];
	return 0;
}

static void mark(struct zone *z, uintptr_t addr, bool is_free)
{
	size_t page = (addr - z->base) >> PAGE_SHIFT;
	if (is_free)
		z->bitmap[page / 64] |= 1ULL << (page % 64);
	else
		z->bitmap[page / 64] &= ~(1ULL << (page % 64));
}

static bool marked(struct zone *z, uintptr_t addr)
{
	size_t page = (addr - z->base) >> PAGE_SHIFT;
	return z->bitmap[page / 64] & (1ULL << (page % 64));
}

static void push(struct zone *z, uintptr_t addr, unsigned order)
{
	struct free_block *b = (struct free_block *)addr;
	b->order = order;
	b->prev = 0;
	b->next = free_lists[order];
	if (b->next)
		b->next->prev = b;
	free_lists[order] = b;
	mark(z, addr, true);
}

static void unlink_block(struct zone *z, struct free_block *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		free_lists[b->order] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	mark(z, (uintptr_t)b, false);
}

static void free_pages(uintptr_t addr, unsigned order)
{
	struct zone *z = zone_of(addr, ARCH_PAGE_SIZE << order);
	KASSERT(z);
	free_bytes += ARCH_PAGE_SIZE << order;
	while (order < MAX_ORDER) {
		uintptr_t buddy = addr ^ (ARCH_PAGE_SIZE << order);
		if (buddy < z->base ||
		    buddy + (ARCH_PAGE_SIZE << order) > z->end)
			break;
		if (!marked(z, buddy) ||
		    ((struct free_block *)buddy)->order != order)
			break;
		unlink_block(z, (struct free_block *)buddy);
		if (buddy < addr)
			addr = buddy;
		order++;
	}
	push(z, addr, order);
}

static void *alloc_pages(unsigned order)
{
	unsigned o = order;

	if (order > MAX_ORDER)
		return 0;
	while (o <= MAX_ORDER && !free_lists[o])
		o++;
	if (o > MAX_ORDER)
		return 0;
	struct free_block *b = free_lists[o];
	uintptr_t addr = (uintptr_t)b;
	struct zone *z = zone_of(addr, ARCH_PAGE_SIZE);
	unlink_block(z, b);
	while (o > order) { /* return the upper halves */
		o--;
		push(z, addr + (ARCH_PAGE_SIZE << o), o);
	}
	free_bytes -= ARCH_PAGE_SIZE << order;
	return (void *)addr;
}

/* Adds [base, end) as naturally aligned blocks, largest first. */
static void add_range(struct zone *z, uintptr_t base, uintptr_t end)
{
	while (base < end) {
		unsigned order = MAX_ORDER;
		while (order && ((base & ((ARCH_PAGE_SIZE << order) - 1)) ||
		                 base + (ARCH_PAGE_SIZE << order) > end))
			order--;
		free_bytes += ARCH_PAGE_SIZE << order;
		push(z, base, order);
		base += ARCH_PAGE_SIZE << order;
	}
}

int kalloc_backend_init(const struct kmem_region *regions, unsigned n)
{
	for (unsigned i = 0; i < n && nzones < KBOOT_MAX_REGIONS; i++) {
		uintptr_t base = (regions[i].base + ARCH_PAGE_SIZE - 1) &
		                 ~(ARCH_PAGE_SIZE - 1);
		uintptr_t end =
		    (regions[i].base + regions[i].size) & ~(ARCH_PAGE_SIZE - 1);
		if (end <= base)
			continue;
		size_t pages = (end - base) >> PAGE_SHIFT;
		size_t bitmap_bytes = (pages + 63) / 64 * 8;
		size_t bitmap_pages =
		    (bitmap_bytes + ARCH_PAGE_SIZE - 1) >> PAGE_SHIFT;
		if (bitmap_pages >= pages)
			continue; /* too small to be worth a bitmap */
		struct zone *z = &zones[nzones++];
		z->bitmap = (uint64_t *)base;
		kmemset(z->bitmap, 0, bitmap_bytes);
		z->base = base;
		z->end = end;
		total_bytes += end - base - (bitmap_pages << PAGE_SHIFT);
		add_range(z, base + (bitmap_pages << PAGE_SHIFT), end);
	}
	return nzones ? 0 : -KENOMEM;
}

void *kalloc_backend_pages(unsigned order)
{
	void *p = alloc_pages(order);
	if (p)
		live_blocks++;
	return p;
}

void kalloc_backend_free_pages(void *pages, unsigned order)
{
	live_blocks--;
	free_pages((uintptr_t)pages, order);
}

static unsigned class_for(size_t total)
{
	unsigned c = MIN_CLASS;
	while ((1UL << c) < total)
		c++;
	return c;
}

static unsigned order_for(size_t total)
{
	unsigned order = 0;
	while ((ARCH_PAGE_SIZE << order) < total && order <= MAX_ORDER)
		order++;
	return order;
}

static struct header *alloc_object(unsigned c)
{
	if (!class_lists[c]) {
		char *page = alloc_pages(0);
		if (!page)
			return 0;
		free_bytes += ARCH_PAGE_SIZE; /* counted per object now */
		for (size_t off = 0; off < ARCH_PAGE_SIZE; off += 1UL << c) {
			struct object *o = (struct object *)(page + off);
			o->next = class_lists[c];
			class_lists[c] = o;
		}
	}
	struct object *o = class_lists[c];
	class_lists[c] = o->next;
	free_bytes -= 1UL << c;
	return (struct header *)o;
}

void *kalloc_backend_alloc(size_t size)
{
	struct header *h;

	if (size > (ARCH_PAGE_SIZE << MAX_ORDER) - HEADER_SIZE)
		return 0;
	size_t total = size + HEADER_SIZE;
	if (total <= (1UL << MAX_CLASS)) {
		unsigned c = class_for(total);
		h = alloc_object(c);
		if (!h)
			return 0;
		h->kind = c;
	} else {
		unsigned order = order_for(total);
		h = alloc_pages(order);
		if (!h)
			return 0;
		h->kind = LARGE_FLAG | order;
	}
	h->magic = HEADER_MAGIC;
	live_blocks++;
	return (char *)h + HEADER_SIZE;
}

void kalloc_backend_free(void *ptr)
{
	struct header *h = (struct header *)((char *)ptr - HEADER_SIZE);

	if (h->magic != HEADER_MAGIC)
		kpanic("buddy: freeing %p, which it never allocated", ptr);
	h->magic = 0;
	live_blocks--;
	if (h->kind & LARGE_FLAG) {
		free_pages((uintptr_t)h, h->kind & ~LARGE_FLAG);
		return;
	}
	unsigned c = h->kind; /* the list link overwrites the header */
	struct object *o = (struct object *)h;
	o->next = class_lists[c];
	class_lists[c] = o;
	free_bytes += 1UL << c;
}

size_t kalloc_backend_usable_size(void *ptr)
{
	struct header *h = (struct header *)((char *)ptr - HEADER_SIZE);
	size_t size = h->kind & LARGE_FLAG
	                  ? ARCH_PAGE_SIZE << (h->kind & ~LARGE_FLAG)
	                  : 1UL << h->kind;
	return size - HEADER_SIZE;
}

void kalloc_backend_stats(struct kalloc_stats *stats)
{
	stats->total_bytes = total_bytes;
	stats->free_bytes = free_bytes;
	stats->allocations = live_blocks;
}
