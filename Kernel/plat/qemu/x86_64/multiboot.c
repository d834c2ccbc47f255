/*
 * Multiboot v1 information, as QEMU's Multiboot loader builds it. QEMU puts
 * the kernel's file name before the -append text in the command line, so the
 * first word is dropped. The memory map (flag 6) is required: mem_upper alone
 * cannot describe RAM above the PCI hole.
 */
#include <kraft/boot.h>
#include <kraft/kerrno.h>
#include <x86/x86.h>

#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS    (1u << 3)
#define MBI_FLAG_MMAP    (1u << 6)
#define MB_MEMORY_RAM    1

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct multiboot_module {
	uint32_t start, end;
	uint32_t cmdline;
	uint32_t reserved;
};

struct multiboot_mmap_entry {
	uint32_t size; /* of the rest of the entry */
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

static int multiboot_parse(uint32_t mbi, struct kboot_info *info)
{
	const struct multiboot_info *mb =
	    (const struct multiboot_info *)(uintptr_t)mbi;

	if (mb->flags & MBI_FLAG_CMDLINE) {
		const char *cmd = (const char *)(uintptr_t)mb->cmdline;
		while (*cmd && *cmd != ' ')
			cmd++; /* the kernel's file name */
		while (*cmd == ' ')
			cmd++;
		kboot_set_cmdline(info, cmd);
	}
	if ((mb->flags & MBI_FLAG_MODS) && mb->mods_count) {
		/* QEMU's -initrd: the first module is the initrd. */
		const struct multiboot_module *mod =
		    (const struct multiboot_module *)(uintptr_t)mb->mods_addr;
		kboot_set_initrd(info, mod->start, mod->end - mod->start);
	}
	if (!(mb->flags & MBI_FLAG_MMAP))
		return -KEINVAL;

	uintptr_t p = mb->mmap_addr;
	uintptr_t end = p + mb->mmap_length;
	while (p < end) {
		const struct multiboot_mmap_entry *e =
		    (const struct multiboot_mmap_entry *)p;
		if (e->type == MB_MEMORY_RAM)
			kboot_add_ram(info, e->addr, e->len);
		p += e->size + sizeof(e->size);
	}
	return 0;
}

static const struct x86_boot_protocol multiboot = {
    X86_MULTIBOOT_MAGIC, "multiboot", multiboot_parse};
X86_BOOT_PROTOCOL_REGISTER(multiboot);
