/*
 * Page tables. The boot code (boot/entry.S) identity-maps 0-4 GiB with 2 MiB
 * pages and makes memory W^X: every page is no-execute (EFER.NXE, where the
 * CPU has it) except the kernel's code, whose pages (4 KiB entries, in page
 * tables the linker reserves after BSS) are read-only and executable; its
 * constants are read-only; CR0.WP makes read-only hold for the kernel
 * itself. So a stray write to code or constants, or a jump into data or a
 * stack, is a page fault. The boot stack's guard page is not mapped. Here
 * the first 64 KiB (NULL) is unmapped and RAM above 4 GiB is added (also 2 MiB
 * pages), before the page allocator takes over RAM (it writes into free pages,
 * so they must be mapped first): those page tables are carved from the boot
 * memory map. Later tables (thread stack guards) come from the page allocator.
 * A guard page is a 4 KiB entry that is not present and carries a software bit,
 * so the crash report can tell a stack overflow from any other bad access; the
 * 2 MiB page around it is split into a page table on first use.
 *
 * Every 4 KiB entry is made accessed and dirty (A, D): the frame may have been
 * written through the 2 MiB page before, so only arch_zero_written_pages
 * makes a page clean; after that the CPU sets D again on the first write
 * (QEMU's TCG does too), which is how posix-mm zeroes only the written pages
 * of a run it hands out again.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/print.h>
#include <x86/cpu.h>
#include <x86/x86.h>

#define PTE_P           (1ULL << 0)
#define PTE_RW          (1ULL << 1)
#define PTE_A           (1ULL << 5)
#define PTE_D           (1ULL << 6)
#define PTE_PS          (1ULL << 7)
#define PTE_GUARD       (1ULL << 9) /* available to software */
#define PTE_NX          (1ULL << 63)
#define PTE_FLAGS       (PTE_RW | PTE_NX) /* what a split page keeps */
#define MSR_EFER        0xc0000080
#define EFER_NXE        (1ULL << 11)
#define PTE_ADDR        0x000ffffffffff000ULL
#define SIZE_2M         (2ULL << 20)
#define SIZE_4G         (4ULL << 30)
#define NULL_GUARD_SIZE 0x10000

extern uint64_t x86_boot_pml4[512];
/* The boot's page tables of the image's 2 MiB pages, from address 0. */
extern uint64_t x86_boot_pt[];

/* PTE_NX if the boot turned EFER.NXE on (without it, the bit is reserved:
 * a fault). */
static uint64_t nx;

/* While set, page tables are carved from these regions' low ends. */
static struct kboot_info *early_info;

static void *table_alloc(void)
{
	if (!early_info)
		return kpage_alloc(0);
	for (unsigned i = 0; i < early_info->nregions; i++) {
		struct kmem_region *r = &early_info->regions[i];
		uintptr_t page =
		    (r->base + ARCH_PAGE_SIZE - 1) & ~(ARCH_PAGE_SIZE - 1);
		if (page + ARCH_PAGE_SIZE > SIZE_4G ||
		    page + ARCH_PAGE_SIZE > r->base + r->size)
			continue;
		r->size -= page + ARCH_PAGE_SIZE - r->base;
		r->base = page + ARCH_PAGE_SIZE;
		return (void *)page;
	}
	return 0;
}

static uint64_t *table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

/* The directory entry for va, creating a PDPT entry if create is set. */
static uint64_t *pd_entry(uintptr_t va, bool create)
{
	uint64_t pml4e = x86_boot_pml4[(va >> 39) & 511];
	if (!(pml4e & PTE_P) || (va >> 48))
		return 0;
	uint64_t *pdpte = &table_of(pml4e)[(va >> 30) & 511];
	if (!(*pdpte & PTE_P)) {
		if (!create)
			return 0;
		uint64_t *pd = table_alloc();
		if (!pd)
			return 0;
		kmemset(pd, 0, ARCH_PAGE_SIZE);
		*pdpte = (uintptr_t)pd | PTE_P | PTE_RW;
	}
	return &table_of(*pdpte)[(va >> 21) & 511];
}

/* The 4 KiB entry for va, splitting its 2 MiB page if needed. */
static uint64_t *pt_entry(uintptr_t va, bool split)
{
	uint64_t *pde = pd_entry(va, false);
	if (!pde || !(*pde & PTE_P))
		return 0;
	if (*pde & PTE_PS) {
		if (!split)
			return 0;
		uint64_t *pt = table_alloc();
		if (!pt)
			return 0;
		uint64_t base = *pde & PTE_ADDR & ~(SIZE_2M - 1);
		uint64_t flags = *pde & PTE_FLAGS;
		for (unsigned i = 0; i < 512; i++)
			pt[i] = (base + i * ARCH_PAGE_SIZE) | PTE_P | PTE_A |
			        PTE_D | flags;
		/* The directory entry allows all; the page entries decide. */
		*pde = (uintptr_t)pt | PTE_P | PTE_RW;
		for (unsigned i = 0; i < 512; i++)
			invlpg(base + i * ARCH_PAGE_SIZE);
	}
	return &table_of(*pde)[(va >> 12) & 511];
}

bool x86_mmu_is_mapped(uintptr_t va)
{
	uint64_t *pde = pd_entry(va, false);
	if (!pde || !(*pde & PTE_P))
		return false;
	if (*pde & PTE_PS)
		return true;
	return table_of(*pde)[(va >> 12) & 511] & PTE_P;
}

bool x86_mmu_is_guard(uintptr_t va)
{
	uint64_t *pde = pd_entry(va, false);
	if (!pde || !(*pde & PTE_P) || (*pde & PTE_PS))
		return false;
	uint64_t pte = table_of(*pde)[(va >> 12) & 511];
	return !(pte & PTE_P) && (pte & PTE_GUARD);
}

int arch_guard_page_set(void *page)
{
	uintptr_t va = (uintptr_t)page;
	uint64_t *pte = pt_entry(va, true);

	if (!pte)
		return -KENOMEM;
	*pte = (va & PTE_ADDR) | PTE_GUARD;
	invlpg(va);
	return 0;
}

void arch_guard_page_clear(void *page)
{
	uintptr_t va = (uintptr_t)page;
	uint64_t *pte = pt_entry(va, false);

	if (pte) {
		*pte = (va & PTE_ADDR) | PTE_P | PTE_A | PTE_D | PTE_RW | nx;
		invlpg(va);
	}
}

/* Zeroes one page of a tracked run and makes it clean again. With D clear
 * in the entry no TLB entry can hold the page as dirty (the CPU sets D
 * before it caches that), so only a clear needs the flush that makes the
 * next write set D. */
static void zero_tracked_page(uintptr_t va, uint64_t *pte)
{
	kmemset((void *)va, 0, ARCH_PAGE_SIZE);
	if (*pte & PTE_D) {
		*pte &= ~PTE_D;
		invlpg(va);
	}
}

/* The scan of a page table's entries for dirty ones, four at a time: a
 * thread's 35-page stack run has one or two, and the scan itself was most
 * of the work: six instructions a page one at a time, about four so. */
static void zero_dirty_pages(uintptr_t va, uint64_t *pte, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		if (!((pte[i] | pte[i + 1] | pte[i + 2] | pte[i + 3]) & PTE_D))
			continue;
		for (size_t j = i; j < i + 4; j++)
			if (pte[j] & PTE_D)
				zero_tracked_page(va + j * ARCH_PAGE_SIZE,
				                  &pte[j]);
	}
	for (; i < n; i++)
		if (pte[i] & PTE_D)
			zero_tracked_page(va + i * ARCH_PAGE_SIZE, &pte[i]);
}

void arch_zero_written_pages(void *base, size_t pages, bool all)
{
	uintptr_t va = (uintptr_t)base;

	while (pages) {
		/* The pages up to the next 2 MiB boundary share a page table:
		 * one walk for them, then a scan of its entries (a walk per
		 * page cost more than zeroing the few pages a thread stack's
		 * run gets written; the scan is a load and a test a page). */
		size_t n = (SIZE_2M - (va & (SIZE_2M - 1))) / ARCH_PAGE_SIZE;
		if (n > pages)
			n = pages;
		uint64_t *pte = pt_entry(va, true);
		if (!pte) /* no page table: untracked, so always zeroed */
			kmemset((void *)va, 0, n * ARCH_PAGE_SIZE);
		else if (all)
			for (size_t i = 0; i < n; i++)
				zero_tracked_page(va + i * ARCH_PAGE_SIZE,
				                  &pte[i]);
		else
			zero_dirty_pages(va, pte, n);
		va += n * ARCH_PAGE_SIZE;
		pages -= n;
	}
}

bool arch_page_dirty(const void *page)
{
	uintptr_t va = (uintptr_t)page;
	uint64_t *pde = pd_entry(va, false);

	if (!pde || !(*pde & PTE_P) || (*pde & PTE_PS))
		return true; /* a 2 MiB page is never tracked */
	uint64_t pte = table_of(*pde)[(va >> 12) & 511];
	return !(pte & PTE_P) || (pte & PTE_D);
}

/* Maps [base, base+size) above 4 GiB with 2 MiB pages (the boot map has
 * the rest: no step over it). */
static void map_high_ram(uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (base < SIZE_4G)
		base = SIZE_4G;
	for (uint64_t a = base & ~(SIZE_2M - 1); a < end; a += SIZE_2M) {
		uint64_t *pde = pd_entry(a, true);
		if (!pde)
			kpanic("out of memory mapping RAM at %#lx", a);
		*pde = a | PTE_P | PTE_RW | PTE_PS | nx;
	}
}

static void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

void x86_mmu_init(struct kboot_info *info)
{
	if (rdmsr(MSR_EFER) & EFER_NXE)
		nx = PTE_NX;
	/* Nothing lives in the first 64 KiB once the boot information is
	 * read: unmapped, a NULL pointer (or a small offset from one) faults
	 * instead of reading the real-mode interrupt table. Its entries are
	 * the first of the boot's page tables. */
	for (unsigned i = 0; i < NULL_GUARD_SIZE / ARCH_PAGE_SIZE; i++)
		x86_boot_pt[i] = 0;
	/* One flush for the guard, not an invlpg per page: QEMU's TCG drops
	 * its whole TLB on an invlpg inside a 2 MiB page it holds (it tracks
	 * large pages as one range). The RAM mapped next is new entries
	 * only: no TLB entry for it can be stale. */
	write_cr3(read_cr3());
	early_info = info;
	for (unsigned i = 0; i < info->nregions; i++)
		map_high_ram(info->regions[i].base, info->regions[i].size);
	early_info = 0;
}
