/*
 * x86_64 architecture tests: the dirty bits posix-mm relies on to zero only
 * the written pages of a run it hands out again. A page that is only read
 * after arch_zero_written_pages must stay clean and keep its bytes (else
 * nothing is saved), and one written must be zeroed next time (else a
 * program sees old bytes in fresh memory), also when a read put the page in
 * the TLB before the write.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/ktest.h>

#define PAGES 4

KTEST(x86, zero_written_pages_zeroes_only_written_ones)
{
	volatile char *run = kpage_alloc_run(PAGES);

	KT_ASSERT(kt, run != 0);
	run[10] = 1;
	KT_EXPECT(kt, arch_page_dirty((const void *)run));
	arch_zero_written_pages((void *)run, PAGES, true);
	for (int i = 0; i < PAGES; i++)
		KT_EXPECT(kt, !arch_page_dirty((const void *)(run + i * 4096)));
	KT_EXPECT_EQ(kt, run[10], 0);
	/* A read leaves a page clean; a write after it makes it dirty. */
	KT_EXPECT_EQ(kt, run[4096 + 5], 0);
	KT_EXPECT_EQ(kt, run[2 * 4096 + 7], 0);
	KT_EXPECT(kt, !arch_page_dirty((const void *)(run + 4096)));
	run[2 * 4096 + 7] = 2; /* read first, then written */
	run[3 * 4096] = 3;     /* written with no read before */
	run[4096 + 4000] = 4;
	KT_EXPECT(kt, !arch_page_dirty((const void *)run));
	KT_EXPECT(kt, arch_page_dirty((const void *)(run + 4096)));
	KT_EXPECT(kt, arch_page_dirty((const void *)(run + 2 * 4096)));
	KT_EXPECT(kt, arch_page_dirty((const void *)(run + 3 * 4096)));
	arch_zero_written_pages((void *)run, PAGES, false);
	for (int i = 0; i < PAGES * 4096; i++)
		if (run[i]) {
			KT_EXPECT(kt, !"a written byte survived");
			break;
		}
	for (int i = 0; i < PAGES; i++)
		KT_EXPECT(kt, !arch_page_dirty((const void *)(run + i * 4096)));
	kpage_free_run((void *)run, PAGES);
}
