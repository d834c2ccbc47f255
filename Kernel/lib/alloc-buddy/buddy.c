/*
 * Binary buddy allocator. Free memory is blocks of 2^order pages, aligned to
 * their size; freeing merges a block with its buddy (address XOR block size)
 * while the buddy is free and whole. A bitmap with one bit per page marks
 * the first page of every free block, so allocated memory, whatever it
 * holds, is never mistaken for a free block, and walking the bitmap visits
 * the free blocks in address order, which is how both kinds of request below
 * find their memory. A free block's order is a byte per page beside the
 * bitmap, not a header in the block: the allocator then writes nothing into
 * free memory, so a boot touches only the RAM it uses. Under QEMU every
 * 2 MiB of guest RAM first written costs the host a transparent huge page
 * to zero (about a millisecond each on the shared build machine), and the
 * first free block of each order sat in a 2 MiB page of its own
 * (docs/kernel.md, "Boot time"). Each RAM region keeps its own bitmap and
 * orders, carved from its start.
 *
 * Runs of any number of pages (kalloc_backend_run) are not rounded to a
 * power of two: a run is cut from neighbouring free blocks, whatever their
 * sizes, and what it does not use of them is freed again. So one run can
 * span nearly all free RAM, whatever its alignment, and a 1 MiB run costs
 * 1 MiB, not 2. Aligned blocks are taken from the bottom of RAM and runs
 * from the top (see alloc_pages).
 *
 * The heap (kalloc_backend_alloc) sits on top: requests up to half a page
 * come from power-of-two size classes carved from single pages; larger ones
 * get runs. A 16-byte header records which, for free. Pages given to a size
 * class stay there (a simplification: no slab reclaim).
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

struct zone {
	uintptr_t base, end; /* page-aligned */
	uint64_t *bitmap;    /* bit per page: first page of a free block */
	uint8_t *orders;     /* per page: the order of the free block there */
};

struct header {
	uint32_t kind; /* size class, or LARGE_FLAG for a run */
	uint32_t magic;
	uint64_t pages; /* a run's length */
};

struct object {
	struct object *next;
};

const char kalloc_backend_name[] = "buddy";

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

/* The order of the free block at addr (meaningful only where marked). */
static unsigned order_at(struct zone *z, uintptr_t addr)
{
	return z->orders[(addr - z->base) >> PAGE_SHIFT];
}

static void push(struct zone *z, uintptr_t addr, unsigned order)
{
	z->orders[(addr - z->base) >> PAGE_SHIFT] = (uint8_t)order;
	mark(z, addr, true);
}

static void unlink_block(struct zone *z, uintptr_t addr)
{
	mark(z, addr, false);
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
		if (!marked(z, buddy) || order_at(z, buddy) != order)
			break;
		unlink_block(z, buddy);
		if (buddy < addr)
			addr = buddy;
		order++;
	}
	push(z, addr, order);
}

/* The first page at or after page that starts a free block (or pages). */
static size_t next_marked(struct zone *z, size_t page, size_t pages)
{
	size_t w = page / 64;
	uint64_t bits;

	if (page >= pages)
		return pages;
	bits = z->bitmap[w] & (~0ULL << (page % 64));
	while (!bits) {
		if (++w * 64 >= pages)
			return pages;
		bits = z->bitmap[w];
	}
	page = w * 64 + (size_t)__builtin_ctzll(bits);
	return page < pages ? page : pages;
}

static size_t zone_pages(struct zone *z)
{
	return (z->end - z->base) >> PAGE_SHIFT;
}

static uintptr_t block_at(struct zone *z, size_t page)
{
	return z->base + (page << PAGE_SHIFT);
}

/*
 * Blocks of 2^order pages come from the lowest address that has one (runs,
 * below, from the highest): small, long-lived kernel pages (heap size
 * classes, stacks, page tables) gather at the bottom of RAM and big runs at
 * the top, so freeing the runs leaves one long stretch rather than stretches
 * cut by a page that landed between two runs. Finding it walks the bitmap:
 * one step per free block below it plus one per 64 allocated pages.
 */
static void *alloc_pages(unsigned order)
{
	if (order > MAX_ORDER)
		return 0;
	for (unsigned i = 0; i < nzones; i++) {
		struct zone *z = &zones[i];
		size_t pages = zone_pages(z);
		for (size_t page = next_marked(z, 0, pages); page < pages;) {
			uintptr_t addr = block_at(z, page);
			unsigned o = z->orders[page];
			if (o < order) {
				page = next_marked(z, page + (1UL << o), pages);
				continue;
			}
			unlink_block(z, addr);
			while (o > order) { /* return the upper halves */
				o--;
				push(z, addr + (ARCH_PAGE_SIZE << o), o);
			}
			free_bytes -= ARCH_PAGE_SIZE << order;
			return (void *)addr;
		}
	}
	return 0;
}

/* Frees [addr, addr + count pages) as naturally aligned blocks, largest
 * first; free_pages merges each with its buddy where it can. */
static void free_span(uintptr_t addr, size_t count)
{
	while (count) {
		unsigned order = 0;
		while (order < MAX_ORDER &&
		       !(addr & (ARCH_PAGE_SIZE << order)) &&
		       (2UL << order) <= count)
			order++;
		free_pages(addr, order);
		addr += ARCH_PAGE_SIZE << order;
		count -= 1UL << order;
	}
}

/*
 * Takes [start, end) out of the stretch of free blocks that begins at
 * first: every block overlapping it is taken, and the parts of the first
 * and last such block outside [start, end) are freed again.
 */
static void take_range(struct zone *z, uintptr_t first, uintptr_t start,
                       uintptr_t end)
{
	uintptr_t head = start, a = first;

	while (a < end) {
		unsigned order = order_at(z, a);
		uintptr_t next = a + (ARCH_PAGE_SIZE << order);
		if (next > start) {
			if (a < head)
				head = a;
			unlink_block(z, a);
			free_bytes -= ARCH_PAGE_SIZE << order;
		}
		a = next;
	}
	if (head < start)
		free_span(head, (start - head) >> PAGE_SHIFT);
	if (a > end)
		free_span(end, (a - end) >> PAGE_SHIFT);
}

/* The last marked page below `below`, or NO_PAGE: next_marked's mirror. */
#define NO_PAGE ((size_t)-1)
static size_t prev_marked(struct zone *z, size_t below)
{
	if (!below)
		return NO_PAGE;
	size_t page = below - 1, w = page / 64;
	uint64_t bits = z->bitmap[w] & (~0ULL >> (63 - page % 64));
	while (!bits) {
		if (!w)
			return NO_PAGE;
		bits = z->bitmap[--w];
	}
	return w * 64 + 63 - (size_t)__builtin_clzll(bits);
}

/*
 * Runs are cut from the top of the highest stretch of neighbouring free
 * blocks that is long enough (blocks merge only with their buddy, so a
 * stretch may be several blocks). The walk goes down from the top of the
 * highest zone, block by block, and stops at the first stretch that has
 * gathered enough: walking all of RAM from the bottom for every run cost
 * nginx a third of its instructions at 64 connections (docs/nginx.md). A
 * block that does not end where the one above it starts ends the stretch
 * (the pages between are allocated). Runs taken one after another sit side
 * by side, top down, with nothing left between them.
 */
static void *alloc_run(size_t count)
{
	for (unsigned i = nzones; i-- > 0;) {
		struct zone *z = &zones[i];
		/* The stretch gathered so far, in pages. */
		size_t bottom = 0, top = 0, have = 0;
		for (size_t page = prev_marked(z, zone_pages(z));
		     page != NO_PAGE; page = prev_marked(z, page)) {
			size_t block = 1UL << z->orders[page];
			if (!have || page + block != bottom) {
				top = page + block;
				have = 0;
			}
			bottom = page;
			have += block;
			if (have >= count) {
				uintptr_t stop = z->base + (top << PAGE_SHIFT);
				uintptr_t start = stop - count * ARCH_PAGE_SIZE;
				take_range(z, block_at(z, page), start, stop);
				return (void *)start;
			}
		}
	}
	return 0;
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
		/* The orders need no clearing: one is read only where the
		 * bitmap marks a block, and marking writes it. */
		size_t meta_pages =
		    (bitmap_bytes + pages + ARCH_PAGE_SIZE - 1) >> PAGE_SHIFT;
		if (meta_pages >= pages)
			continue; /* too small to be worth a bitmap */
		struct zone *z = &zones[nzones++];
		z->bitmap = (uint64_t *)base;
		kmemset(z->bitmap, 0, bitmap_bytes);
		z->orders = (uint8_t *)base + bitmap_bytes;
		z->base = base;
		z->end = end;
		total_bytes += end - base - (meta_pages << PAGE_SHIFT);
		add_range(z, base + (meta_pages << PAGE_SHIFT), end);
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

void *kalloc_backend_run(size_t count)
{
	if (count > free_bytes / ARCH_PAGE_SIZE)
		return 0;
	void *p = alloc_run(count);
	if (p)
		live_blocks++;
	return p;
}

void kalloc_backend_free_run(void *pages, size_t count, size_t keep)
{
	if (!keep)
		live_blocks--;
	free_span((uintptr_t)pages + keep * ARCH_PAGE_SIZE, count - keep);
}

/* The smallest class holding total bytes (total >= 2: it includes the
 * header): the bit length of total - 1, found with one instruction rather
 * than a loop over the classes. */
static unsigned class_for(size_t total)
{
	unsigned c = 64 - (unsigned)__builtin_clzl(total - 1);
	return c < MIN_CLASS ? MIN_CLASS : c;
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

	if (size > SIZE_MAX - HEADER_SIZE - ARCH_PAGE_SIZE)
		return 0;
	size_t total = size + HEADER_SIZE;
	if (total <= (1UL << MAX_CLASS)) {
		unsigned c = class_for(total);
		h = alloc_object(c);
		if (!h)
			return 0;
		h->kind = c;
	} else {
		size_t pages = (total + ARCH_PAGE_SIZE - 1) >> PAGE_SHIFT;
		if (pages > free_bytes >> PAGE_SHIFT)
			return 0;
		h = alloc_run(pages);
		if (!h)
			return 0;
		h->kind = LARGE_FLAG;
		h->pages = pages;
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
		free_span((uintptr_t)h, h->pages);
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
	size_t size =
	    h->kind & LARGE_FLAG ? h->pages << PAGE_SHIFT : 1UL << h->kind;
	return size - HEADER_SIZE;
}

void kalloc_backend_stats(struct kalloc_stats *stats)
{
	stats->total_bytes = total_bytes;
	stats->free_bytes = free_bytes;
	stats->allocations = live_blocks;
}
