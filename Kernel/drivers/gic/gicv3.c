/*
 * GICv3: a memory-mapped distributor (reg 0) and redistributors (reg 1),
 * and a CPU interface reached through system registers. Private interrupts
 * are configured in this CPU's redistributor (the first one: kraft runs on
 * one CPU), in its SGI/PPI frame 64 KiB after the control frame. Interrupts
 * go in non-secure group 1, the group that is an IRQ at EL1.
 */
#include "gic_internal.h"

#define GICD_CTLR       0x0000
#define GICD_CTLR_ARE   (1u << 4)
#define GICD_CTLR_GRP1  (1u << 1)
#define GICD_CTLR_RWP   (1u << 31)
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER    0x6000
#define GICR_WAKER      0x0014
#define WAKER_SLEEP     (1u << 1)
#define WAKER_ASLEEP    (1u << 2)
#define GICR_SGI        0x10000
#define GICR_IGROUPR0   (GICR_SGI + 0x080)
#define GICR_ISENABLER0 (GICR_SGI + 0x100)
#define GICR_IPRIORITYR (GICR_SGI + 0x400)

#define ICC_SRE_EL1     "S3_0_C12_C12_5"
#define ICC_PMR_EL1     "S3_0_C4_C6_0"
#define ICC_IGRPEN1_EL1 "S3_0_C12_C12_7"
#define ICC_IAR1_EL1    "S3_0_C12_C12_0"
#define ICC_EOIR1_EL1   "S3_0_C12_C12_1"

#define read_sysreg(r)                                                         \
	({                                                                     \
		uint64_t v_;                                                   \
		__asm__ volatile("mrs %0, " r : "=r"(v_));                     \
		v_;                                                            \
	})
#define write_sysreg(r, v)                                                     \
	__asm__ volatile("msr " r ", %0" ::"r"((uint64_t)(v)) : "memory")

static uintptr_t dist, redist;

static void enable_ppi(unsigned intid)
{
	gic_write8(redist + GICR_IPRIORITYR + intid, GIC_PRIORITY_DEFAULT);
	gic_write32(redist + GICR_IGROUPR0,
	            gic_read32(redist + GICR_IGROUPR0) | 1u << intid);
	gic_write32(redist + GICR_ISENABLER0, 1u << intid);
}

/* SPIs live in the distributor; affinity 0.0.0.0 is this (boot) CPU. */
static void enable_spi(unsigned intid)
{
	gic_write8(dist + GICD_IPRIORITYR + intid, GIC_PRIORITY_DEFAULT);
	gic_write64(dist + GICD_IROUTER + 8 * intid, 0);
	gic_write32(dist + GICD_IGROUPR + 4 * (intid / 32),
	            gic_read32(dist + GICD_IGROUPR + 4 * (intid / 32)) |
	                1u << (intid % 32));
	gic_write32(dist + GICD_ISENABLER + 4 * (intid / 32),
	            1u << (intid % 32));
}

static unsigned ack(void)
{
	unsigned intid = (unsigned)read_sysreg(ICC_IAR1_EL1) & 0xffffff;
	__asm__ volatile("dsb sy" ::: "memory");
	return intid;
}

static void eoi(unsigned intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	__asm__ volatile("isb" ::: "memory");
}

static const struct gic_ops v3_ops = {.version = 3,
                                      .enable_ppi = enable_ppi,
                                      .enable_spi = enable_spi,
                                      .ack = ack,
                                      .eoi = eoi};

const struct gic_ops *gicv3_init(uintptr_t dist_base, uintptr_t redist_base)
{
	dist = dist_base;
	redist = redist_base;

	gic_write32(dist + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	for (int spins = 0; spins < 1000000; spins++)
		if (!(gic_read32(dist + GICD_CTLR) & GICD_CTLR_RWP))
			break;

	/* Wake the redistributor; it reports when its CPU side is awake. */
	gic_write32(redist + GICR_WAKER,
	            gic_read32(redist + GICR_WAKER) & ~WAKER_SLEEP);
	for (int spins = 0; spins < 1000000; spins++)
		if (!(gic_read32(redist + GICR_WAKER) & WAKER_ASLEEP))
			break;

	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | 1);
	__asm__ volatile("isb" ::: "memory");
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	__asm__ volatile("isb" ::: "memory");
	return &v3_ops;
}
