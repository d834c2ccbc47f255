/*
 * Page tables: an identity map with a 39-bit address space (level 1 to
 * level 3, 4 KiB granule). boot/head.S built the early map; here the GiBs
 * without RAM become Device memory (head.S guessed Normal above the kernel)
 * the boot stack's guard page and the lowest 2 MiB are unmapped. Memory is
 * then W^X: all of it is privileged-execute-never (PXN) except the kernel's
 * code, whose 4 KiB pages are read-only (AP[2]) and executable; its
 * constants are read-only too. A stray write to code or constants, or a jump
 * into data or a stack, is then a permission fault. Permission changes need
 * no break-before-make, so live entries are changed in place. A guard page
 * is an invalid level-3 entry carrying a software bit, so the crash report can
 * tell a stack overflow from any other bad access; the block around it is split
 * into a table of the same attributes on first use. The split replaces a
 * live block without break-before-make, because the kernel may be running
 * from that very block; old and new entries map the same addresses with the
 * same attributes, so a stale TLB entry is harmless here. Early tables are
 * carved from the boot memory map (the allocator does not own RAM yet),
 * later ones come from the page allocator.
 *
 * Written pages of the runs posix-mm hands out again are tracked in
 * software: QEMU 7.2's TCG has no hardware dirty-bit management
 * (FEAT_HAFDBS). arch_zero_written_pages leaves each page of such a run
 * zeroed, read-only and marked tracked; the first write to it is a
 * permission fault that arm64_mmu_write_fault answers by making the page
 * writable and marking it dirty, and the write is retried. Next time only
 * the dirty pages (and any not tracked yet) are zeroed. A thread's 35-page
 * stack run gets one or two pages written: zeroing all 35 was most of a
 * thread create + join here. Only the CPU writes these runs (no device),
 * so the faults see every write; a tracked page that goes back to the page
 * allocator stays tracked and costs one fault on its next first write.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <arm64/arm64.h>
#include <arm64/sysreg.h>

#define DESC_VALID  (1ULL << 0)
#define DESC_TABLE  (1ULL << 1)  /* table (levels 1-2) or page (level 3) */
#define DESC_GUARD  (1ULL << 55) /* software-defined */
#define DESC_TRACK  (1ULL << 56) /* software: writes tracked (see above) */
#define DESC_DIRTY  (1ULL << 57) /* software: written since last zeroed */
#define DESC_ADDR   0x0000fffffffff000ULL
#define ATTR_NORMAL 0x0060000000000705ULL /* AttrIndx 1, AF, SH, UXN, PXN */
#define DESC_PXN    (1ULL << 53)
#define DESC_RO     (1ULL << 7)           /* AP[2]: read-only */
#define ATTR_DEVICE 0x0060000000000401ULL /* AttrIndx 0, AF, UXN, PXN */
#define SIZE_1G     (1ULL << 30)
#define SIZE_2M     (1ULL << 21)
#define VA_LIMIT    (1ULL << 39)

extern char _kernel_text_start[], _kernel_text_end[], _kernel_rodata_end[];

static struct kboot_info *early_info;

static void *table_alloc(void)
{
	if (!early_info)
		return kpage_alloc(0);
	for (unsigned i = 0; i < early_info->nregions; i++) {
		struct kmem_region *r = &early_info->regions[i];
		if (r->size < ARCH_PAGE_SIZE)
			continue;
		void *page = (void *)r->base; /* regions are page-aligned */
		r->base += ARCH_PAGE_SIZE;
		r->size -= ARCH_PAGE_SIZE;
		return page;
	}
	return 0;
}

static uint64_t *table_of(uint64_t desc)
{
	return (uint64_t *)(uintptr_t)(desc & DESC_ADDR);
}

static bool is_table(uint64_t desc)
{
	return (desc & (DESC_VALID | DESC_TABLE)) == (DESC_VALID | DESC_TABLE);
}

static void tlb_flush_all(void)
{
	dsb(ishst);
	__asm__ volatile("tlbi vmalle1is" ::: "memory");
	dsb(ish);
	isb();
}

static void tlb_flush_page(uintptr_t va)
{
	dsb(ishst);
	__asm__ volatile("tlbi vaae1is, %0" ::"r"(va >> 12) : "memory");
	dsb(ish);
	isb();
}

/* Replaces the block *desc (covering `size` bytes) by a table of 512. */
static bool split(uint64_t *desc, uint64_t size, bool last_level)
{
	uint64_t *table = table_alloc();
	if (!table)
		return false;
	uint64_t attrs = *desc & ~DESC_ADDR & ~(DESC_VALID | DESC_TABLE);
	uint64_t base = *desc & DESC_ADDR & ~(size - 1);
	uint64_t step = size / 512;
	for (unsigned i = 0; i < 512; i++)
		table[i] = (base + i * step) | attrs | DESC_VALID |
		           (last_level ? DESC_TABLE : 0);
	dsb(ishst);
	*desc = (uintptr_t)table | DESC_VALID | DESC_TABLE;
	tlb_flush_all();
	return true;
}

/* The level-3 entry for va, splitting blocks on the way if allowed. */
static uint64_t *page_entry(uintptr_t va, bool create)
{
	if (va >= VA_LIMIT)
		return 0;
	uint64_t *l1e = &arm64_boot_l1[(va >> 30) & 511];
	if (!(*l1e & DESC_VALID))
		return 0;
	if (!is_table(*l1e) && (!create || !split(l1e, SIZE_1G, false)))
		return 0;
	uint64_t *l2e = &table_of(*l1e)[(va >> 21) & 511];
	if (!(*l2e & DESC_VALID))
		return 0;
	if (!is_table(*l2e) && (!create || !split(l2e, SIZE_2M, true)))
		return 0;
	return &table_of(*l2e)[(va >> 12) & 511];
}

bool arm64_mmu_is_mapped(uintptr_t va)
{
	if (va >= VA_LIMIT)
		return false;
	uint64_t l1e = arm64_boot_l1[(va >> 30) & 511];
	if (!is_table(l1e))
		return l1e & DESC_VALID;
	uint64_t l2e = table_of(l1e)[(va >> 21) & 511];
	if (!is_table(l2e))
		return l2e & DESC_VALID;
	return table_of(l2e)[(va >> 12) & 511] & DESC_VALID;
}

bool arm64_mmu_is_guard(uintptr_t va)
{
	uint64_t *pte = page_entry(va, false);
	return pte && !(*pte & DESC_VALID) && (*pte & DESC_GUARD);
}

int arch_guard_page_set(void *page)
{
	uintptr_t va = (uintptr_t)page;
	uint64_t *pte = page_entry(va, true);

	if (!pte)
		return -KENOMEM;
	*pte = (va & DESC_ADDR) | DESC_GUARD;
	tlb_flush_page(va);
	return 0;
}

void arch_guard_page_clear(void *page)
{
	uintptr_t va = (uintptr_t)page;
	uint64_t *pte = page_entry(va, false);

	if (pte) {
		*pte = (va & DESC_ADDR) | ATTR_NORMAL | DESC_TABLE;
		tlb_flush_page(va);
	}
}

/* Pages of a tracked run that must be zeroed: written since (dirty) or not
 * tracked yet (writable, so possibly written). */
static bool needs_zeroing(uint64_t desc)
{
	return (desc & (DESC_TRACK | DESC_RO | DESC_DIRTY)) !=
	       (DESC_TRACK | DESC_RO);
}

/* More pages than this changed: one flush of the whole TLB instead. */
#define FLUSH_PAGES_MAX 8

void arch_zero_written_pages(void *base, size_t pages, bool all)
{
	uintptr_t va = (uintptr_t)base;

	if (all) {
		/* A fresh run: zeroed whole and left writable. Tracking
		 * starts when it is handed out again (a write to each page
		 * would fault once otherwise, for nothing). */
		kmemset(base, 0, pages * ARCH_PAGE_SIZE);
		return;
	}
	size_t changed = 0;
	while (pages) {
		/* The pages up to the next 2 MiB boundary share a table. */
		size_t n = (SIZE_2M - (va & (SIZE_2M - 1))) / ARCH_PAGE_SIZE;
		if (n > pages)
			n = pages;
		uint64_t *pte = page_entry(va, true);
		if (!pte) { /* no table: untracked, so always zeroed */
			kmemset((void *)va, 0, n * ARCH_PAGE_SIZE);
		} else {
			for (size_t i = 0; i < n; i++) {
				if (!needs_zeroing(pte[i]))
					continue;
				uintptr_t page = va + i * ARCH_PAGE_SIZE;
				kmemset((void *)page, 0, ARCH_PAGE_SIZE);
				/* Read after the zeroing, which itself may
				 * have faulted the page writable. */
				bool was_writable = !(pte[i] & DESC_RO);
				pte[i] = (pte[i] | DESC_TRACK | DESC_RO) &
				         ~DESC_DIRTY;
				if (was_writable && ++changed <= FLUSH_PAGES_MAX)
					tlb_flush_page(page);
			}
		}
		va += n * ARCH_PAGE_SIZE;
		pages -= n;
	}
	if (changed > FLUSH_PAGES_MAX)
		tlb_flush_all();
}

bool arch_page_dirty(const void *page)
{
	uint64_t *pte = page_entry((uintptr_t)page, false);
	return !pte || needs_zeroing(*pte);
}

bool arm64_mmu_write_fault(uintptr_t va)
{
	uint64_t *pte = page_entry(va, false);
	if (!pte || (*pte & (DESC_VALID | DESC_TRACK | DESC_RO)) !=
	                (DESC_VALID | DESC_TRACK | DESC_RO))
		return false;
	*pte = (*pte & ~DESC_RO) | DESC_DIRTY;
	tlb_flush_page(va);
	return true;
}

static bool gib_has_ram(const struct kboot_info *info, uint64_t gib)
{
	uint64_t lo = gib * SIZE_1G, hi = lo + SIZE_1G;
	for (unsigned i = 0; i < info->nregions; i++) {
		uint64_t b = info->regions[i].base;
		if (b < hi && b + info->regions[i].size > lo)
			return true;
	}
	return false;
}

/*
 * The 2 MiB blocks holding the kernel image become 4 KiB pages: code R-X,
 * constants R--, the rest (data, BSS with the boot page tables and stacks,
 * the memory around the image) RW- and PXN; then every other block of the
 * kernel's GiB becomes PXN too (the other GiBs got ATTR_NORMAL already).
 */
static void protect_image(uint64_t kernel_gib)
{
	uintptr_t text = (uintptr_t)_kernel_text_start;
	uintptr_t text_end = (uintptr_t)_kernel_text_end;
	uintptr_t rodata_end = (uintptr_t)_kernel_rodata_end;
	uintptr_t first = (uintptr_t)_kernel_start & ~(SIZE_2M - 1);
	uintptr_t last =
	    ((uintptr_t)_kernel_end + SIZE_2M - 1) & ~(SIZE_2M - 1);

	for (uintptr_t va = first; va < last; va += ARCH_PAGE_SIZE) {
		uint64_t *pte = page_entry(va, true);
		if (!pte)
			kpanic("no memory for the kernel's page tables");
		if (!(*pte & DESC_VALID))
			continue;
		uint64_t flags = va >= text && va < text_end ? DESC_RO
		                 : va >= text && va < rodata_end
		                     ? DESC_RO | DESC_PXN
		                     : DESC_PXN;
		*pte = (*pte & ~(DESC_RO | DESC_PXN)) | flags;
	}
	uint64_t *l1e = &arm64_boot_l1[kernel_gib];
	if (is_table(*l1e))
		for (unsigned i = 0; i < 512; i++) {
			uint64_t *l2e = &table_of(*l1e)[i];
			if ((*l2e & DESC_VALID) && !is_table(*l2e))
				*l2e |= DESC_PXN;
		}
}

void arm64_mmu_init(struct kboot_info *info)
{
	uint64_t kernel_gib = (uintptr_t)_kernel_start / SIZE_1G;

	/* Device memory wherever there is no RAM; it was guessed early. */
	for (uint64_t gib = 0; gib < 512; gib++) {
		if (gib == kernel_gib)
			continue;
		uint64_t attrs =
		    gib_has_ram(info, gib) ? ATTR_NORMAL : ATTR_DEVICE;
		arm64_boot_l1[gib] = gib * SIZE_1G | attrs;
	}
	early_info = info;

	/*
	 * The lowest 2 MiB stay unmapped, so that NULL pointer accesses
	 * fault (QEMU virt has flash there, which kraft does not use).
	 */
	if (kernel_gib && !gib_has_ram(info, 0)) {
		uint64_t *l2 = table_alloc();
		if (!l2)
			kpanic("no memory for a page table");
		for (unsigned i = 0; i < 512; i++)
			l2[i] = i * SIZE_2M | ATTR_DEVICE;
		l2[0] = 0;
		arm64_boot_l1[0] = (uintptr_t)l2 | DESC_VALID | DESC_TABLE;
	}
	tlb_flush_all();

	protect_image(kernel_gib);
	tlb_flush_all();
	if (arch_guard_page_set(arm64_boot_stack_guard))
		kpanic("no memory for the boot stack's guard page table");
	early_info = 0;
}
