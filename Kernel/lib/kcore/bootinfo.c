/*
 * Building struct kboot_info. Boot protocol parsers report RAM as they find
 * it; this keeps only what is free: above the first 64 KiB (the NULL guard,
 * which x86_64 leaves unmapped; arm64 RAM starts far above it), outside the
 * kernel image, page-aligned, and at most
 * KBOOT_MAX_REGIONS ranges (the largest are kept if there are more). The
 * initrd, when a parser recorded one first, is kept out the same way.
 */
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>

/*
 * RAM below 1 MiB is used too: on x86 the firmware's own areas there (the
 * EBDA, the BIOS) are not RAM in the memory map, and what the loader left in
 * the rest (Multiboot or PVH information, the command line) has been read
 * and copied before the allocator takes over. That is 575 KiB more on a pc
 * guest, a third of the smallest one's memory.
 */
#define FIRST_FREE_ADDRESS 0x10000ULL

static void add_region(struct kboot_info *info, uint64_t base, uint64_t end)
{
	base = (base + ARCH_PAGE_SIZE - 1) & ~(ARCH_PAGE_SIZE - 1);
	end &= ~(ARCH_PAGE_SIZE - 1);
	if (end <= base)
		return;
	if (info->nregions == KBOOT_MAX_REGIONS) {
		/* Full: replace the smallest region if this one is larger. */
		unsigned smallest = 0;
		for (unsigned i = 1; i < info->nregions; i++)
			if (info->regions[i].size <
			    info->regions[smallest].size)
				smallest = i;
		if (info->regions[smallest].size >= end - base)
			return;
		info->regions[smallest] = (struct kmem_region){
		    (uintptr_t)base, (uintptr_t)(end - base)};
		return;
	}
	info->regions[info->nregions++] =
	    (struct kmem_region){(uintptr_t)base, (uintptr_t)(end - base)};
}

/* Adds [base, end) minus the holes [holes[i][0], holes[i][1]). */
static void add_outside(struct kboot_info *info, uint64_t base, uint64_t end,
                        const uint64_t (*holes)[2], unsigned nholes)
{
	if (end <= base)
		return;
	if (!nholes) {
		add_region(info, base, end);
		return;
	}
	uint64_t hs = holes[0][0], he = holes[0][1];
	if (end <= hs || base >= he || he <= hs) {
		add_outside(info, base, end, holes + 1, nholes - 1);
		return;
	}
	if (base < hs)
		add_outside(info, base, hs, holes + 1, nholes - 1);
	if (end > he)
		add_outside(info, he, end, holes + 1, nholes - 1);
}

void kboot_add_ram(struct kboot_info *info, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;
	/* The initrd's pages are rounded out: regions are page-aligned. */
	const uint64_t holes[2][2] = {
	    {(uintptr_t)_kernel_start, (uintptr_t)_kernel_end},
	    {info->initrd_base & ~(ARCH_PAGE_SIZE - 1),
	     (info->initrd_base + info->initrd_size + ARCH_PAGE_SIZE - 1) &
	         ~(ARCH_PAGE_SIZE - 1)},
	};

	if (end < base)
		end = ~0ULL; /* wrapped: clamp */
	if (base < FIRST_FREE_ADDRESS)
		base = FIRST_FREE_ADDRESS;
	add_outside(info, base, end, holes, info->initrd_size ? 2 : 1);
}

static uintptr_t initrd_base, initrd_size;

void kboot_set_initrd(struct kboot_info *info, uint64_t base, uint64_t size)
{
	info->initrd_base = initrd_base = (uintptr_t)base;
	info->initrd_size = initrd_size = (uintptr_t)size;
}

int kboot_initrd(const void **base, size_t *size)
{
	if (!initrd_size)
		return -KENOENT;
	*base = (const void *)initrd_base;
	*size = initrd_size;
	return 0;
}

void kboot_set_cmdline(struct kboot_info *info, const char *cmdline)
{
	kstrlcpy(info->cmdline, cmdline, sizeof(info->cmdline));
}
