/*
 * x86_64 architecture tests: the dirty bits posix-mm relies on to zero only
 * the written pages of a run it hands out again are the CPU's, so a fresh
 * run is clean from its first zeroing. The contract every architecture keeps
 * is tested in lib/ktest/tests/written_pages_test.c.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/ktest.h>

#define PAGES 4

KTEST(x86, a_fresh_zeroing_leaves_the_pages_clean)
{
	volatile char *run = kpage_alloc_run(PAGES);

	KT_ASSERT(kt, run != 0);
	run[10] = 1;
	KT_EXPECT(kt, arch_page_dirty((const void *)run));
	arch_zero_written_pages((void *)run, PAGES, true);
	for (int i = 0; i < PAGES; i++)
		KT_EXPECT(kt, !arch_page_dirty((const void *)(run + i * 4096)));
	KT_EXPECT_EQ(kt, run[10], 0);
	kpage_free_run((void *)run, PAGES);
}
