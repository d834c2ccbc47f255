/*
 * Boot information, in one arch-neutral shape. Each boot protocol (Multiboot,
 * PVH, device tree) fills it from its own structures and then calls
 * kcore_start on the boot stack with interrupts off.
 */
#ifndef KRAFT_BOOT_H
#define KRAFT_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define KBOOT_MAX_REGIONS 32
#define KBOOT_CMDLINE_MAX 4096

/* A range of free RAM, physical == virtual (identity mapped). */
struct kmem_region {
	uintptr_t base;
	uintptr_t size;
};

struct kboot_info {
	const char *protocol; /* "multiboot", "pvh", ... for the boot log */
	/* Copied into kernel memory: boot structures may lie in free RAM. */
	char cmdline[KBOOT_CMDLINE_MAX];
	struct kmem_region regions[KBOOT_MAX_REGIONS];
	unsigned nregions;
	/* The first boot module (the initrd), or size 0; kept out of RAM. */
	uintptr_t initrd_base, initrd_size;
};

/*
 * Adds RAM [base, base+size) to info, minus the kernel image, the initrd and
 * the first 64 KiB (the NULL guard). Boot protocol parsers call it for each
 * usable range.
 */
void kboot_add_ram(struct kboot_info *info, uint64_t base, uint64_t size);

/*
 * Records the initrd. Parsers call it before kboot_add_ram, which then keeps
 * the initrd's pages away from the allocator.
 */
void kboot_set_initrd(struct kboot_info *info, uint64_t base, uint64_t size);

/* The initrd recorded at boot: 0, or -KENOENT when the VM got none. */
int kboot_initrd(const void **base, size_t *size);

/* Copies a NUL-terminated command line, truncating it if too long. */
void kboot_set_cmdline(struct kboot_info *info, const char *cmdline);

/* The arch-neutral start: memory, console, time, threads, then main. */
__attribute__((noreturn)) void kcore_start(struct kboot_info *info);

/* Linker-script symbols bounding the loaded image. */
extern char _kernel_start[], _kernel_end[];

#endif /* KRAFT_BOOT_H */
