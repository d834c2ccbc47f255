/*
 * arm64 early boot, in C: entered from boot/head.S at EL1 with the MMU on
 * (early identity map), on the boot stack, interrupts masked. The device
 * tree is the boot protocol: it gives the console, the RAM, the command line
 * (/chosen bootargs), the initrd (/chosen linux,initrd-start/-end) and, later,
 * the interrupt controller and timer. RAM is handed to kcore minus the tree
 * itself (libraries read it after boot) and the /memreserve/ entries;
 * kboot_add_ram removes the kernel image.
 */
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/fdt.h>
#include <kraft/gic.h>
#include <kraft/kcore.h>
#include <kraft/kstring.h>
#include <kraft/plat.h>
#include <kraft/print.h>
#include <arm64/arm64.h>

#define MAX_RESERVED 16
#define SIZE_1G      0x40000000UL

/* Static: the boot stack is small and kboot_info holds the command line. */
static struct kboot_info boot_info;

struct range {
	uint64_t base, end;
};
static struct range reserved[MAX_RESERVED];
static unsigned nreserved;

/*
 * The tree's address: x0 for an Image boot. An ELF boot gets x0 = 0, and
 * QEMU then puts the tree at the base of RAM, the start of the GiB holding
 * the image (when the image leaves room below it).
 */
static const void *find_tree(uintptr_t x0)
{
	if (x0 && fdt_looks_valid((const void *)x0))
		return (const void *)x0;
	uintptr_t ram_base = (uintptr_t)_kernel_start & ~(SIZE_1G - 1);
	if (fdt_looks_valid((const void *)ram_base))
		return (const void *)ram_base;
	return 0;
}

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* A /chosen address property: one or two big-endian cells (QEMU sizes it
 * by the root's #address-cells). */
static bool chosen_address(int chosen, const char *name, uint64_t *out)
{
	int len;
	const uint8_t *p = fdt_prop(chosen, name, &len);
	if (!p || (len != 4 && len != 8))
		return false;
	*out = 0;
	for (int i = 0; i < len; i++)
		*out = *out << 8 | p[i];
	return true;
}

/* The initrd's range from /chosen; false without one. */
static bool chosen_initrd(uint64_t *start, uint64_t *end)
{
	int chosen = fdt_find_node(-1, "chosen");
	return chosen_address(chosen, "linux,initrd-start", start) &&
	       chosen_address(chosen, "linux,initrd-end", end) && *end > *start;
}

/* Whether [base, end) lies in one RAM range of the tree's memory nodes. */
static bool in_ram(uint64_t base, uint64_t end)
{
	uint64_t ram, size;
	for (int node = fdt_find_device_type(-1, "memory"); node >= 0;
	     node = fdt_find_device_type(node, "memory"))
		for (unsigned i = 0; fdt_reg(node, i, &ram, &size); i++)
			if (base >= ram && end <= ram + size)
				return true;
	return false;
}

/*
 * For an Image boot QEMU virt puts the tree 2 MiB-aligned after where an
 * initrd would go (past min(RAM / 2, 128 MiB) and the image's file), in the
 * middle of RAM, where its pages would cut RAM in two and halve the largest
 * block a program can map; it also sizes it 1 MiB, of which ~8 KiB are used.
 * The used part moves to the pages right after the image (link.lds puts the
 * image at the RAM base plus 4 KiB, above QEMU's boot stub), where the
 * allocator's RAM would start anyway, unless the initrd or a /memreserve/
 * range is there. The copy's totalsize says what it holds. Firecracker puts
 * the tree at the top of RAM: it moves too, harmlessly.
 */
static void move_tree_after_image(void)
{
	uintptr_t tree = (uintptr_t)fdt_blob();
	size_t used = fdt_used_size();
	uintptr_t to = ((uintptr_t)_kernel_end + ARCH_PAGE_SIZE - 1) &
	               ~(uintptr_t)(ARCH_PAGE_SIZE - 1);
	uint64_t start, end, size;

	if (tree == to || !in_ram(to, to + used))
		return;
	if (chosen_initrd(&start, &end) && overlaps(to, to + used, start, end))
		return;
	for (unsigned i = 0; fdt_memreserve(i, &start, &size); i++)
		if (overlaps(to, to + used, start, start + size))
			return;
	kmemmove((void *)to, (const void *)tree, used);
	uint8_t *totalsize = (uint8_t *)to + 4; /* big-endian, after magic */
	for (int i = 0; i < 4; i++)
		totalsize[i] = (uint8_t)(used >> (24 - 8 * i));
	if (fdt_init((const void *)to))
		kpanic("the device tree did not survive its move");
}

static void reserve(uint64_t base, uint64_t size)
{
	if (!size)
		return;
	if (nreserved == MAX_RESERVED)
		kpanic("more than %u reserved memory ranges in the device tree",
		       MAX_RESERVED);
	reserved[nreserved++] = (struct range){base, base + size};
}

/* Adds [base, end) minus the reserved ranges from index `from` on. */
static void add_ram(uint64_t base, uint64_t end, unsigned from)
{
	for (unsigned i = from; i < nreserved; i++) {
		if (reserved[i].end <= base || reserved[i].base >= end)
			continue;
		if (base < reserved[i].base)
			add_ram(base, reserved[i].base, i + 1);
		if (end > reserved[i].end)
			add_ram(reserved[i].end, end, i + 1);
		return;
	}
	if (end > base)
		kboot_add_ram(&boot_info, base, end - base);
}

static bool is_reserved(uint64_t base, uint64_t end)
{
	for (unsigned i = 0; i < nreserved; i++)
		if (reserved[i].base < end && reserved[i].end > base)
			return true;
	return false;
}

/*
 * QEMU virt loads the initrd half-way up a small guest's RAM (at the RAM
 * base plus min(RAM / 2, 128 MiB)), where its pages would cut RAM in two, as
 * the tree's did. It moves to the top of the RAM node holding it when that
 * end is free (the tree has moved below the image by now); the copy is as
 * long as the initrd, once. Returns the initrd's address.
 */
static uint64_t move_initrd_to_top(uint64_t start, uint64_t size)
{
	uint64_t base, ram_size;

	for (int node = fdt_find_device_type(-1, "memory"); node >= 0;
	     node = fdt_find_device_type(node, "memory"))
		for (unsigned i = 0; fdt_reg(node, i, &base, &ram_size); i++) {
			uint64_t top = base + ram_size;
			if (start < base || start + size > top)
				continue;
			uint64_t to =
			    (top - size) & ~(uint64_t)(ARCH_PAGE_SIZE - 1);
			if (to <= start || is_reserved(to, top) ||
			    to < (uintptr_t)_kernel_end)
				return start;
			kmemmove((void *)(uintptr_t)to,
			         (const void *)(uintptr_t)start, size);
			return to;
		}
	return start;
}

static void parse_tree(void)
{
	uint64_t base, size;
	int chosen = fdt_find_node(-1, "chosen");

	boot_info.protocol = "devicetree";
	const char *args = fdt_prop_string(chosen, "bootargs");
	if (args)
		kboot_set_cmdline(&boot_info, args);

	reserve((uintptr_t)fdt_blob(), fdt_used_size());
	for (unsigned i = 0; fdt_memreserve(i, &base, &size); i++)
		reserve(base, size);

	/*
	 * QEMU's -initrd (and Firecracker's initrd_path) load it into RAM and
	 * name it in /chosen; recorded before the RAM so its pages stay out of
	 * the allocator.
	 */
	uint64_t initrd_start, initrd_end;
	if (chosen_initrd(&initrd_start, &initrd_end)) {
		size = initrd_end - initrd_start;
		kboot_set_initrd(&boot_info,
		                 move_initrd_to_top(initrd_start, size), size);
	}

	for (int node = fdt_find_device_type(-1, "memory"); node >= 0;
	     node = fdt_find_device_type(node, "memory"))
		for (unsigned i = 0; fdt_reg(node, i, &base, &size); i++)
			add_ram(base, base + size, 0);
}

__attribute__((noreturn)) void arm64_boot_main(uintptr_t x0,
                                               uint64_t first_count)
{
	arm64_first_count = first_count;
	const void *tree = find_tree(x0);
	int err = tree ? fdt_init(tree) : -1;

	plat_console_init(); /* falls back to a default UART without a tree */
	if (err)
		kpanic("no device tree (x0 = %#lx); boot with a loader that "
		       "passes one, as QEMU's -kernel and Firecracker do",
		       x0);
	move_tree_after_image();
	parse_tree();
	if (!boot_info.nregions)
		kpanic("the device tree describes no usable RAM");
	arm64_mmu_init(&boot_info);
	kcore_start(&boot_info);
}

void arch_init_late(void)
{
	if (gic_init())
		kpanic(
		    "the device tree names no supported interrupt controller "
		    "(GICv2 or GICv3)");
	arm64_timer_init();
	kdebug("gic: version %u", gic_version());
}
