/*
 * GICv2: a memory-mapped distributor (reg 0) and CPU interface (reg 1).
 * Without a secure monitor (QEMU virt at EL1, KVM) every interrupt is in
 * group 0 and signalled as IRQ, so enabling the distributor and the CPU
 * interface with the lowest priority mask is all the set-up needed.
 */
#include "gic_internal.h"

#define GICD_CTLR       0x000
#define GICD_ISENABLER  0x100
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICC_CTLR       0x000
#define GICC_PMR        0x004
#define GICC_IAR        0x00c
#define GICC_EOIR       0x010

static uintptr_t dist, cpu;

static void enable_ppi(unsigned intid)
{
	gic_write8(dist + GICD_IPRIORITYR + intid, GIC_PRIORITY_DEFAULT);
	gic_write32(dist + GICD_ISENABLER + 4 * (intid / 32),
	            1u << (intid % 32));
}

/* The same, plus the target CPU: interface 0 (bit 0), the only one. */
static void enable_spi(unsigned intid)
{
	gic_write8(dist + GICD_ITARGETSR + intid, 1);
	enable_ppi(intid);
}

static unsigned ack(void)
{
	return gic_read32(cpu + GICC_IAR) & 0x3ff;
}

static void eoi(unsigned intid)
{
	gic_write32(cpu + GICC_EOIR, intid);
}

static const struct gic_ops v2_ops = {.version = 2,
                                      .enable_ppi = enable_ppi,
                                      .enable_spi = enable_spi,
                                      .ack = ack,
                                      .eoi = eoi};

const struct gic_ops *gicv2_init(uintptr_t dist_base, uintptr_t cpu_base)
{
	dist = dist_base;
	cpu = cpu_base;

	gic_write32(dist + GICD_CTLR, 1);
	gic_write32(cpu + GICC_PMR, 0xff);
	gic_write32(cpu + GICC_CTLR, 1);
	return &v2_ops;
}
