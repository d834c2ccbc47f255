/*
 * Tests of the heap and page allocator through kraft/alloc.h. They hold for
 * any allocator library, so the same tests check alloc-buddy and
 * alloc-region (build the test image once with each).
 */
#include <stdbool.h>
#include <stdint.h>
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/ktest.h>

KTEST(alloc, malloc_is_aligned_and_disjoint)
{
	char *blocks[64];

	for (int i = 0; i < 64; i++) {
		blocks[i] = kmalloc((size_t)i * 37 + 1);
		KT_ASSERT(kt, blocks[i]);
		KT_EXPECT_EQ(kt, (uintptr_t)blocks[i] % 16, 0);
		kmemset(blocks[i], i, (size_t)i * 37 + 1);
	}
	for (int i = 0; i < 64; i++) {
		for (size_t j = 0; j < (size_t)i * 37 + 1; j++)
			if (blocks[i][j] != (char)i) {
				KT_EXPECT(kt, !"blocks overlap");
				break;
			}
		kfree(blocks[i]);
	}
}

KTEST(alloc, free_returns_memory)
{
	struct kalloc_stats before, after;

	kalloc_stats(&before);
	void *p = kmalloc(100000);
	void *q = kmalloc(24);
	KT_ASSERT(kt, p && q);
	kalloc_stats(&after);
	KT_EXPECT(kt, after.free_bytes < before.free_bytes);
	KT_EXPECT_EQ(kt, after.allocations, before.allocations + 2);
	kfree(p);
	kfree(q);
	kalloc_stats(&after);
	KT_EXPECT_EQ(kt, after.free_bytes, before.free_bytes);
	KT_EXPECT_EQ(kt, after.allocations, before.allocations);
}

KTEST(alloc, calloc_zeroes_and_checks_overflow)
{
	unsigned char *p = kmalloc(256);
	KT_ASSERT(kt, p);
	kmemset(p, 0xaa, 256);
	kfree(p);
	p = kcalloc(16, 16);
	KT_ASSERT(kt, p);
	for (int i = 0; i < 256; i++)
		KT_EXPECT_EQ(kt, p[i], 0);
	kfree(p);
	KT_EXPECT(kt, kcalloc(SIZE_MAX / 2, 4) == 0);
}

KTEST(alloc, realloc_keeps_contents)
{
	char *p = krealloc(0, 10);
	KT_ASSERT(kt, p);
	kmemcpy(p, "0123456789", 10);
	p = krealloc(p, 5000);
	KT_ASSERT(kt, p);
	KT_EXPECT_EQ(kt, kmemcmp(p, "0123456789", 10), 0);
	KT_EXPECT(kt, kmalloc_usable_size(p) >= 5000);
	KT_EXPECT(kt, krealloc(p, 0) == 0);
}

KTEST(alloc, memalign_alignments)
{
	void *p;

	for (size_t align = 8; align <= 65536; align <<= 1) {
		KT_ASSERT(kt, kmemalign(&p, align, 100) == 0);
		KT_EXPECT_EQ(kt, (uintptr_t)p % align, 0);
		kmemset(p, 1, 100);
		kfree(p);
	}
	KT_EXPECT_EQ(kt, kmemalign(&p, 24, 100), -KEINVAL);
	KT_EXPECT_EQ(kt, kmemalign(&p, 2, 100), -KEINVAL);
}

KTEST(alloc, pages_are_aligned_to_their_size)
{
	for (unsigned order = 0; order <= 6; order++) {
		void *p = kpage_alloc(order);
		KT_ASSERT(kt, p);
		KT_EXPECT_EQ(kt, (uintptr_t)p % (ARCH_PAGE_SIZE << order), 0);
		kmemset(p, 0x5a, ARCH_PAGE_SIZE << order);
		kpage_free(p, order);
	}
}

KTEST(alloc, exhaustion_returns_null)
{
	struct kalloc_stats before, after;
	void *p;

	kalloc_stats(&before);
	KT_EXPECT(kt, kmalloc(SIZE_MAX - 8) == 0);
	KT_EXPECT(kt, kmalloc(before.total_bytes + 1) == 0);
	KT_EXPECT_EQ(kt, kmemalign(&p, 4096, before.total_bytes), -KENOMEM);
	KT_EXPECT(kt, kpage_alloc(40) == 0);

	/* Fill memory with 1 MiB blocks until it fails, then free them. */
	void *head = 0;
	unsigned n = 0;
	while ((p = kmalloc(1 << 20))) {
		*(void **)p = head;
		head = p;
		n++;
	}
	KT_EXPECT(kt, n > 0);
	while (head) {
		p = *(void **)head;
		kfree(head);
		head = p;
	}
	kalloc_stats(&after);
	KT_EXPECT_EQ(kt, after.allocations, before.allocations);
	KT_EXPECT(kt, kmalloc(64) != 0);
}

KTEST(alloc, runs_cost_exactly_their_pages)
{
	struct kalloc_stats before, after;

	kalloc_stats(&before);
	char *p = kpage_alloc_run(3);
	KT_ASSERT(kt, p);
	KT_EXPECT_EQ(kt, (uintptr_t)p % ARCH_PAGE_SIZE, 0);
	kmemset(p, 0x5a, 3 * ARCH_PAGE_SIZE);
	kalloc_stats(&after);
	KT_EXPECT_EQ(kt, before.free_bytes - after.free_bytes,
	             3 * ARCH_PAGE_SIZE);
	kpage_trim_run(p, 3, 1);
	kalloc_stats(&after);
	KT_EXPECT_EQ(kt, before.free_bytes - after.free_bytes, ARCH_PAGE_SIZE);
	kpage_free_run(p, 1);
	kalloc_stats(&after);
	KT_EXPECT_EQ(kt, after.free_bytes, before.free_bytes);
	KT_EXPECT_EQ(kt, after.allocations, before.allocations);
}

/* Runs among held ones: every other of eight runs freed, then runs that fit
 * a hole and runs that fit none; each lands on free pages only. */
#define HOLEY_RUNS  8
#define HOLEY_PAGES 3
static bool run_is(const unsigned char *p, size_t pages, unsigned char fill)
{
	for (size_t i = 0; i < pages * ARCH_PAGE_SIZE; i += 512)
		if (p[i] != fill)
			return false;
	return true;
}

KTEST(alloc, runs_fill_holes_without_touching_held_runs)
{
	unsigned char *runs[HOLEY_RUNS];
	struct kalloc_stats before, after;

	kalloc_stats(&before);
	for (int i = 0; i < HOLEY_RUNS; i++) {
		runs[i] = kpage_alloc_run(HOLEY_PAGES);
		KT_ASSERT(kt, runs[i]);
		kmemset(runs[i], 0x40 + i, HOLEY_PAGES * ARCH_PAGE_SIZE);
	}
	for (int i = 0; i < HOLEY_RUNS; i += 2)
		kpage_free_run(runs[i], HOLEY_PAGES);
	unsigned char *small = kpage_alloc_run(HOLEY_PAGES - 1);
	unsigned char *exact = kpage_alloc_run(HOLEY_PAGES);
	unsigned char *large = kpage_alloc_run(HOLEY_PAGES * 3);
	KT_ASSERT(kt, small && exact && large);
	kmemset(small, 0x11, (HOLEY_PAGES - 1) * ARCH_PAGE_SIZE);
	kmemset(exact, 0x22, HOLEY_PAGES * ARCH_PAGE_SIZE);
	kmemset(large, 0x33, HOLEY_PAGES * 3 * ARCH_PAGE_SIZE);
	for (int i = 1; i < HOLEY_RUNS; i += 2)
		KT_EXPECT(kt, run_is(runs[i], HOLEY_PAGES, 0x40 + i));
	KT_EXPECT(kt, run_is(small, HOLEY_PAGES - 1, 0x11));
	KT_EXPECT(kt, run_is(exact, HOLEY_PAGES, 0x22));
	kpage_free_run(small, HOLEY_PAGES - 1);
	kpage_free_run(exact, HOLEY_PAGES);
	kpage_free_run(large, HOLEY_PAGES * 3);
	for (int i = 1; i < HOLEY_RUNS; i += 2)
		kpage_free_run(runs[i], HOLEY_PAGES);
	kalloc_stats(&after);
	KT_EXPECT_EQ(kt, after.free_bytes, before.free_bytes);
	KT_EXPECT_EQ(kt, after.allocations, before.allocations);
}

KTEST(alloc, one_run_can_take_nearly_all_memory)
{
	struct kalloc_stats before, after;

	kalloc_stats(&before);
	/* 7/8 of what is free: more than any power-of-two block could hold
	 * whenever free RAM is not itself one aligned power of two. */
	size_t count = before.free_bytes / ARCH_PAGE_SIZE / 8 * 7;
	KT_EXPECT(kt,
	          kpage_alloc_run(before.free_bytes / ARCH_PAGE_SIZE + 1) == 0);
	char *p = kpage_alloc_run(count);
	KT_ASSERT(kt, p);
	p[0] = 1;
	p[count * ARCH_PAGE_SIZE - 1] = 2;
	kpage_free_run(p, count);
	kalloc_stats(&after);
	KT_EXPECT_EQ(kt, after.free_bytes, before.free_bytes);
	/* The heap's big blocks are runs too: no rounding up to 2^n pages. */
	void *big = kmalloc(before.free_bytes / 8 * 5);
	KT_EXPECT(kt, big != 0);
	kfree(big);
}

/* A cache for the reclaim test below: one run, held until RAM runs short. */
#define HELD_PAGES 256
static void *held_run;

static size_t held_bytes(void)
{
	return held_run ? HELD_PAGES * ARCH_PAGE_SIZE : 0;
}

static void held_give_back(void)
{
	kpage_free_run(held_run, HELD_PAGES);
	held_run = 0;
}
KALLOC_RECLAIMABLE_REGISTER(ktest_held_run, held_bytes, held_give_back);

/* Pages until none is left; then all freed again. How many there were. */
static size_t pages_until_exhausted(void)
{
	void *head = 0, *p;
	size_t n = 0;

	while ((p = kpage_alloc(0))) {
		*(void **)p = head;
		head = p;
		n++;
	}
	while (head) {
		p = *(void **)head;
		kpage_free(head, 0);
		head = p;
	}
	return n;
}

KTEST(alloc, caches_are_given_back_before_an_allocation_fails)
{
	struct kalloc_stats before, after;

	kalloc_stats(&before);
	size_t alone = pages_until_exhausted();
	held_run = kpage_alloc_run(HELD_PAGES);
	KT_ASSERT(kt, held_run);
	/* The cache's run is given back when the pages first run out, and
	 * its pages are then handed out like any others. */
	KT_EXPECT_EQ(kt, pages_until_exhausted(), alone);
	KT_EXPECT(kt, held_run == 0);
	kalloc_stats(&after);
	KT_EXPECT_EQ(kt, after.free_bytes, before.free_bytes);
	KT_EXPECT_EQ(kt, after.allocations, before.allocations);
}
