/*
 * Device interrupts, arch-neutral. A driver attaches a handler to a
 * platform interrupt number: on x86_64 the GSI (ISA IRQ 0-15 through the
 * 8259 PIC, 16-47 through an IOAPIC) or a message from arch_msi_alloc
 * (48-55), on arm64 the GIC interrupt ID (an SPI n is 32 + n). Several
 * handlers may share one line (PCI INTx).
 *
 * Handlers run with interrupts off on whatever stack was interrupted, and
 * only while the CPU idles (kernel code runs with interrupts off except in
 * arch_cpu_idle). They do the minimum: acknowledge the device, record what
 * happened, and queue deferred work with kirq_defer. Deferred work runs in
 * thread context, from the scheduler's idle loop, where it may wake threads.
 *
 * Error contract: kirq_attach returns 0, -KENOMEM when the handler table is
 * full, or -KEINVAL when the platform cannot route that interrupt.
 */
#ifndef KRAFT_IRQ_H
#define KRAFT_IRQ_H

#include <stdbool.h>

typedef void (*kirq_handler)(void *ctx);

int kirq_attach(unsigned irq, kirq_handler handler, void *ctx);

/* Work a handler queues for thread context; queuing it twice before it
 * runs runs it once. */
struct kirq_work {
	struct kirq_work *next;
	void (*fn)(struct kirq_work *work);
	bool queued;
};

/* From a handler (or thread context): runs work->fn soon in thread context. */
void kirq_defer(struct kirq_work *work);
/* Runs the queued work; called by the scheduler before it picks a thread. */
void kirq_run_deferred(void);
/* Whether any handler is attached: then a thread blocked with no timer
 * pending may still be woken, and waiting for an interrupt is no deadlock. */
bool kirq_any_attached(void);

/* Called by the arch's trap code for interrupt irq (interrupts off). */
void kirq_dispatch(unsigned irq);

#endif /* KRAFT_IRQ_H */
