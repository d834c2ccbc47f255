/*
 * arm64 architecture tests: the page-table view the crash report relies on
 * (guard pages, the unmapped NULL page) and the semihosting call's
 * recognition, which the exit path's fallback depends on; the software
 * dirty tracking's state after a fresh run's zeroing (below).
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/ktest.h>
#include <arm64/arm64.h>

extern char arm64_semihost_hlt[];

KTEST(arm64, guard_page_unmaps_and_clear_restores)
{
	volatile uint64_t *page = kpage_alloc(0);

	KT_ASSERT(kt, page != 0);
	page[0] = 0x1234;
	KT_ASSERT(kt, arch_guard_page_set((void *)page) == 0);
	KT_EXPECT(kt, !arm64_mmu_is_mapped((uintptr_t)page));
	KT_EXPECT(kt, arm64_mmu_is_guard((uintptr_t)page + 100));
	/* Only that page: its neighbour stays mapped. */
	KT_EXPECT(kt, arm64_mmu_is_mapped((uintptr_t)page + ARCH_PAGE_SIZE));
	arch_guard_page_clear((void *)page);
	KT_EXPECT(kt, arm64_mmu_is_mapped((uintptr_t)page));
	KT_EXPECT(kt, !arm64_mmu_is_guard((uintptr_t)page));
	KT_EXPECT_EQ(kt, page[0], 0x1234);
	kpage_free((void *)page, 0);
}

KTEST(arm64, null_page_is_unmapped_and_kernel_mapped)
{
	KT_EXPECT(kt, !arm64_mmu_is_mapped(0));
	KT_EXPECT(kt, !arm64_mmu_is_mapped(4095));
	KT_EXPECT(kt, arm64_mmu_is_mapped((uintptr_t)_kernel_start));
	KT_EXPECT(kt, arm64_mmu_is_mapped((uintptr_t)_kernel_end - 1));
	KT_EXPECT(kt, !arm64_mmu_is_guard((uintptr_t)_kernel_start));
}

KTEST(arm64, boot_stack_guard_is_in_place)
{
	KT_EXPECT(kt, arm64_mmu_is_guard((uintptr_t)arm64_boot_stack_guard));
	KT_EXPECT(kt, arm64_mmu_is_mapped((uintptr_t)arm64_boot_stack_top - 1));
}

KTEST(arm64, semihosting_trap_is_recognised_by_address)
{
	KT_EXPECT(kt, arm64_semihost_refused((uintptr_t)arm64_semihost_hlt));
	KT_EXPECT(kt,
	          !arm64_semihost_refused((uintptr_t)arm64_semihost_hlt + 4));
}

KTEST(arm64, counter_advances)
{
	uint64_t a = arch_monotonic_ns();
	while (arch_monotonic_ns() == a)
		;
	KT_EXPECT(kt, arch_monotonic_ns() > a);
}

/* Software dirty tracking (mmu.c; the contract every architecture keeps is
 * tested in lib/ktest/tests/written_pages_test.c): a fresh run's zeroing
 * leaves its pages writable and untracked, so they count as written until
 * the next zeroing starts tracking them. */
#define TRACKED_PAGES 4

KTEST(arm64, a_fresh_zeroing_leaves_the_pages_untracked)
{
	volatile char *run = kpage_alloc_run(TRACKED_PAGES);

	KT_ASSERT(kt, run != 0);
	run[10] = 1;
	arch_zero_written_pages((void *)run, TRACKED_PAGES, true);
	KT_EXPECT_EQ(kt, run[10], 0);
	for (int i = 0; i < TRACKED_PAGES; i++)
		KT_EXPECT(kt, arch_page_dirty((const void *)(run + i * 4096)));
	kpage_free_run((void *)run, TRACKED_PAGES);
}
