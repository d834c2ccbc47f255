/*
 * Device interrupt handlers and their deferred work (kraft/irq.h). The
 * handler table is small and fixed: a unikernel has a handful of devices,
 * and a fixed table needs no allocation in the dispatch path. The arch
 * routes a line on its first attach (arch_irq_enable) and calls
 * kirq_dispatch from its trap code; acknowledging the interrupt controller
 * stays with the arch.
 */
#include <kraft/arch.h>
#include <kraft/irq.h>
#include <kraft/kerrno.h>

#define KIRQ_MAX_HANDLERS 32

struct handler {
	unsigned irq;
	kirq_handler fn;
	void *ctx;
};

static struct handler handlers[KIRQ_MAX_HANDLERS];
static unsigned nhandlers;
static struct kirq_work *deferred_head, *deferred_tail;

int kirq_attach(unsigned irq, kirq_handler fn, void *ctx)
{
	unsigned long flags = arch_irq_save();
	bool routed = false;
	int err = 0;

	for (unsigned i = 0; i < nhandlers; i++)
		routed |= handlers[i].irq == irq;
	if (nhandlers == KIRQ_MAX_HANDLERS)
		err = -KENOMEM;
	else if (!routed)
		err = arch_irq_enable(irq);
	if (!err)
		handlers[nhandlers++] = (struct handler){irq, fn, ctx};
	arch_irq_restore(flags);
	return err;
}

void kirq_dispatch(unsigned irq)
{
	for (unsigned i = 0; i < nhandlers; i++)
		if (handlers[i].irq == irq)
			handlers[i].fn(handlers[i].ctx);
}

bool kirq_any_attached(void)
{
	return nhandlers != 0;
}

void kirq_defer(struct kirq_work *work)
{
	unsigned long flags = arch_irq_save();

	if (!work->queued) {
		work->queued = true;
		work->next = 0;
		if (deferred_tail)
			deferred_tail->next = work;
		else
			deferred_head = work;
		deferred_tail = work;
	}
	arch_irq_restore(flags);
}

void kirq_run_deferred(void)
{
	/* Every context switch comes here, nearly always with nothing queued:
	 * one load then, without turning interrupts off and on. Work queued
	 * just after this look is run by the next call, as it would be had it
	 * come just after the loop below ended. */
	if (!*(struct kirq_work *volatile *)&deferred_head)
		return;
	for (;;) {
		unsigned long flags = arch_irq_save();
		struct kirq_work *work = deferred_head;
		if (work) {
			deferred_head = work->next;
			if (!deferred_head)
				deferred_tail = 0;
			work->queued = false;
		}
		arch_irq_restore(flags);
		if (!work)
			return;
		work->fn(work);
	}
}
