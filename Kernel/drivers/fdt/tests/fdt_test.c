/*
 * fdt tests, on the tree this boot received (QEMU virt or Firecracker): it
 * must describe the RAM the kernel runs from, a /chosen node and the timer,
 * and lookups must walk forward and stop.
 */
#include <kraft/boot.h>
#include <kraft/fdt.h>
#include <kraft/ktest.h>

KTEST(fdt, tree_is_registered)
{
	KT_ASSERT(kt, fdt_blob() != 0);
	KT_EXPECT(kt, fdt_looks_valid(fdt_blob()));
	KT_EXPECT(kt, fdt_size() >= 40); /* at least a header */
	KT_EXPECT(kt, !fdt_looks_valid((const char *)fdt_blob() + 4));
}

KTEST(fdt, memory_covers_the_kernel)
{
	uintptr_t kernel = (uintptr_t)_kernel_start;
	bool covered = false;
	uint64_t base, size;

	for (int node = fdt_find_device_type(-1, "memory"); node >= 0;
	     node = fdt_find_device_type(node, "memory"))
		for (unsigned i = 0; fdt_reg(node, i, &base, &size); i++)
			covered |= base <= kernel && kernel < base + size;
	KT_EXPECT(kt, covered);
}

KTEST(fdt, chosen_and_timer_are_found)
{
	int chosen = fdt_find_node(-1, "chosen");
	int timer = fdt_find_compatible(-1, "arm,armv8-timer");
	int len = 0;

	KT_EXPECT(kt, chosen >= 0);
	KT_ASSERT(kt, timer >= 0);
	/* Four interrupts of three cells each. */
	KT_EXPECT(kt, fdt_prop(timer, "interrupts", &len) != 0);
	KT_EXPECT_EQ(kt, len, 4 * 3 * 4);
	KT_EXPECT(kt, fdt_prop(timer, "no-such-property", &len) == 0);
}

KTEST(fdt, lookups_walk_forward_and_stop)
{
	int last = -1, count = 0;

	KT_EXPECT(kt, fdt_find_compatible(-1, "kraft,no-such-device") < 0);
	KT_EXPECT(kt, fdt_find_node(-1, "no-such-node") < 0);
	/* The one /cpus node: found once, after which the walk stops. */
	for (int node = fdt_find_node(-1, "cpus"); node >= 0;
	     node = fdt_find_node(node, "cpus")) {
		KT_EXPECT(kt, node > last);
		last = node;
		count++;
	}
	KT_EXPECT_EQ(kt, count, 1);
}
