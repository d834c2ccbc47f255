/*
 * The Arm Generic Interrupt Controller, as the arm64 architecture library
 * uses it: one CPU, private peripheral interrupts (the timers) and shared
 * peripheral interrupts (devices, routed to this CPU), all in
 * the group that is signalled as IRQ. GICv2 and GICv3 are told apart by the
 * device tree ("arm,cortex-a15-gic"/"arm,gic-400" or "arm,gic-v3").
 *
 * Error contract: gic_init returns 0, or -KENOENT when the tree names no
 * supported controller; the other calls must only follow a successful init.
 */
#ifndef KRAFT_GIC_H
#define KRAFT_GIC_H

#include <stdbool.h>

/* Interrupt IDs 1020-1023 are special; 1023 means "nothing pending". */
#define GIC_INTID_SPURIOUS 1023u
#define GIC_PPI_BASE       16u /* PPI n is interrupt ID 16 + n */
#define GIC_SPI_BASE       32u /* SPI n is interrupt ID 32 + n */
#define GIC_SPI_LAST       1019u

int gic_init(void);
/* 2 or 3 after gic_init, for the boot log. */
unsigned gic_version(void);
/* Enables private interrupt intid (16..31) at a middle priority. */
void gic_enable_ppi(unsigned intid);
/* Enables shared interrupt intid (32..1019), routed to this CPU. */
void gic_enable_spi(unsigned intid);
/* Acknowledges the highest-priority pending interrupt; returns its ID. */
unsigned gic_ack(void);
/* Ends an acknowledged interrupt. */
void gic_eoi(unsigned intid);

#endif /* KRAFT_GIC_H */
