/* Between the GIC library's files: one operations table per version. */
#ifndef GIC_INTERNAL_H
#define GIC_INTERNAL_H

#include <stdint.h>

#define GIC_PRIORITY_DEFAULT 0xa0u

struct gic_ops {
	unsigned version;
	void (*enable_ppi)(unsigned intid);
	void (*enable_spi)(unsigned intid);
	unsigned (*ack)(void);
	void (*eoi)(unsigned intid);
};

static inline uint32_t gic_read32(uintptr_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void gic_write32(uintptr_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

static inline void gic_write64(uintptr_t addr, uint64_t v)
{
	*(volatile uint64_t *)addr = v;
}

static inline void gic_write8(uintptr_t addr, uint8_t v)
{
	*(volatile uint8_t *)addr = v;
}

/* Each sets up the controller at the device tree node's two register
 * regions (the distributor, then the CPU interface or the redistributors)
 * and returns its table. */
const struct gic_ops *gicv2_init(uintptr_t dist_base, uintptr_t cpu_base);
const struct gic_ops *gicv3_init(uintptr_t dist_base, uintptr_t redist_base);

#endif /* GIC_INTERNAL_H */
