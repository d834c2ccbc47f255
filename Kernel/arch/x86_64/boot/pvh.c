/*
 * PVH boot information (Xen's struct hvm_start_info, version 1), as QEMU's
 * PVH loader, Firecracker and Xen pass it in %ebx. Only the command line and
 * the E820-style memory map and the first module (the initrd) are used.
 */
#include <kraft/boot.h>
#include <kraft/kerrno.h>
#include <x86/x86.h>

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

#define HVM_MEMMAP_TYPE_RAM 1

int x86_pvh_parse(uint32_t start_info, struct kboot_info *info)
{
	const struct hvm_start_info *si =
	    (const struct hvm_start_info *)(uintptr_t)start_info;

	if (si->magic != X86_PVH_MAGIC)
		return -KEINVAL;
	if (si->cmdline_paddr)
		kboot_set_cmdline(info,
		                  (const char *)(uintptr_t)si->cmdline_paddr);
	if (si->nr_modules && si->modlist_paddr) {
		/* The first module is the initrd (QEMU's -initrd). */
		const struct hvm_modlist_entry *m =
		    (const struct hvm_modlist_entry *)(uintptr_t)
		        si->modlist_paddr;
		kboot_set_initrd(info, m->paddr, m->size);
	}
	if (si->version < 1 || !si->memmap_paddr)
		return -KEINVAL; /* no memory map: nothing to allocate from */

	const struct hvm_memmap_entry *e =
	    (const struct hvm_memmap_entry *)(uintptr_t)si->memmap_paddr;
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		if (e[i].type == HVM_MEMMAP_TYPE_RAM)
			kboot_add_ram(info, e[i].addr, e[i].size);
	return 0;
}
