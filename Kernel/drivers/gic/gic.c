/*
 * GIC front end: finds the controller in the device tree and forwards to the
 * version's operations. The compatible strings are the ones QEMU virt and
 * Firecracker write (and Linux's binding lists for these versions).
 */
#include <kraft/fdt.h>
#include <kraft/gic.h>
#include <kraft/kerrno.h>
#include "gic_internal.h"

static const struct gic_ops *ops;

static const char *const v2_compatibles[] = {
    "arm,cortex-a15-gic",
    "arm,gic-400",
    "arm,cortex-a9-gic",
};

/* The version's set-up at the node's two register regions; NULL without. */
static const struct gic_ops *
init_at(int node, const struct gic_ops *(*init)(uintptr_t, uintptr_t))
{
	uint64_t first, second, size;

	if (!fdt_reg(node, 0, &first, &size) ||
	    !fdt_reg(node, 1, &second, &size))
		return 0;
	return init((uintptr_t)first, (uintptr_t)second);
}

int gic_init(void)
{
	int node = fdt_find_compatible(-1, "arm,gic-v3");

	if (node >= 0)
		ops = init_at(node, gicv3_init);
	for (unsigned i = 0;
	     !ops && i < sizeof(v2_compatibles) / sizeof(v2_compatibles[0]);
	     i++) {
		node = fdt_find_compatible(-1, v2_compatibles[i]);
		if (node >= 0)
			ops = init_at(node, gicv2_init);
	}
	return ops ? 0 : -KENOENT;
}

unsigned gic_version(void)
{
	return ops ? ops->version : 0;
}

void gic_enable_ppi(unsigned intid)
{
	ops->enable_ppi(intid);
}

void gic_enable_spi(unsigned intid)
{
	ops->enable_spi(intid);
}

unsigned gic_ack(void)
{
	return ops->ack();
}

void gic_eoi(unsigned intid)
{
	ops->eoi(intid);
}
