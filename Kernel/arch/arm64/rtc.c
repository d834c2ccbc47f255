/*
 * Wall clock: the PL031 real-time clock that QEMU virt and Firecracker
 * describe in the device tree ("arm,pl031"). Its data register counts
 * seconds since the Unix epoch. Without one the wall clock is unknown (0),
 * and kcore counts from boot instead.
 */
#include <kraft/arch.h>
#include <kraft/fdt.h>

#define RTCDR 0x00

uint64_t arch_wall_clock_at_boot_ns(void)
{
	uint64_t base, size;
	int node = fdt_find_compatible(-1, "arm,pl031");

	if (node < 0 || !fdt_reg(node, 0, &base, &size))
		return 0;
	uint32_t seconds = *(volatile uint32_t *)(uintptr_t)(base + RTCDR);
	return (uint64_t)seconds * 1000000000ULL;
}
