/*
 * Building struct kboot_info. Boot protocol parsers report RAM as they find
 * it; this keeps only what is free: above 1 MiB (BIOS and firmware data
 * below), outside the kernel image, page-aligned, and at most
 * KBOOT_MAX_REGIONS ranges (the largest are kept if there are more).
 */
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/kstring.h>

#define LOW_MEMORY_END 0x100000ULL

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

void kboot_add_ram(struct kboot_info *info, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;
	uint64_t kstart = (uintptr_t)_kernel_start;
	uint64_t kend = (uintptr_t)_kernel_end;

	if (end < base)
		end = ~0ULL; /* wrapped: clamp */
	if (base < LOW_MEMORY_END)
		base = LOW_MEMORY_END;
	if (end <= base)
		return;
	if (end <= kstart || base >= kend) {
		add_region(info, base, end);
		return;
	}
	if (base < kstart)
		add_region(info, base, kstart);
	if (end > kend)
		add_region(info, kend, end);
}

void kboot_set_cmdline(struct kboot_info *info, const char *cmdline)
{
	kstrlcpy(info->cmdline, cmdline, sizeof(info->cmdline));
}
