/*
 * The contract posix-mm relies on to zero only the written pages of a run it
 * hands out again (arch_zero_written_pages, arch_page_dirty), the same on
 * every architecture however it is kept (x86's page-table dirty bits,
 * arm64's tracking in software): after a zeroing, a page that is only read
 * stays clean and keeps its bytes (else nothing is saved), and one written
 * is dirty and zeroed next time (else a program sees old bytes in fresh
 * memory), also when a read put the page in the TLB before the write. What
 * differs, a fresh run's state, is in each architecture's own tests.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/ktest.h>

#define PAGES 4

KTEST(arch, zero_written_pages_zeroes_only_written_ones)
{
	volatile char *run = kpage_alloc_run(PAGES);

	KT_ASSERT(kt, run != 0);
	run[10] = 1;
	arch_zero_written_pages((void *)run, PAGES, true);
	KT_EXPECT_EQ(kt, run[10], 0);
	/* Written after a fresh zeroing: zeroed by the next one. */
	run[4096] = 9;
	arch_zero_written_pages((void *)run, PAGES, false);
	KT_EXPECT_EQ(kt, run[4096], 0);
	for (int i = 0; i < PAGES; i++)
		KT_EXPECT(kt, !arch_page_dirty((const void *)(run + i * 4096)));
	/* A read leaves a page clean; a write after it makes it dirty. */
	KT_EXPECT_EQ(kt, run[4096 + 5], 0);
	KT_EXPECT_EQ(kt, run[2 * 4096 + 7], 0);
	KT_EXPECT(kt, !arch_page_dirty((const void *)(run + 4096)));
	run[2 * 4096 + 7] = 2; /* read first, then written */
	run[3 * 4096] = 3;     /* written with no read before */
	run[4096 + 4000] = 4;
	KT_EXPECT_EQ(kt, run[2 * 4096 + 7], 2);
	KT_EXPECT_EQ(kt, run[3 * 4096], 3);
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
