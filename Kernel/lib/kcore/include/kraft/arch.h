/*
 * What every architecture library (Kernel/arch/<arch>) provides to the
 * arch-neutral kernel. One header, so a new architecture knows exactly what
 * to implement. Functions here do not fail unless stated.
 */
#ifndef KRAFT_ARCH_H
#define KRAFT_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARCH_PAGE_SIZE 4096UL

/* n rounded up to a whole number of pages. */
static inline size_t arch_page_round(size_t n)
{
	return (n + ARCH_PAGE_SIZE - 1) & ~(ARCH_PAGE_SIZE - 1);
}

/* Interrupt controllers and clocks; called once the allocator works. */
void arch_init_late(void);

/* Interrupts. Kernel code runs with interrupts off except in arch_cpu_idle. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

/*
 * Routes device interrupt irq (kraft/irq.h numbering) to this CPU and
 * unmasks it; its trap code then calls kirq_dispatch(irq) and acknowledges
 * the controller. 0, or -KEINVAL when the line cannot be routed.
 */
int arch_irq_enable(unsigned irq);

/*
 * A message-signalled interrupt (PCI MSI-X) for this CPU: the address and
 * data a device writes to raise it, and its kraft/irq.h number to attach
 * handlers to. Each is edge-like (one message, one interrupt) and ended at
 * the CPU's own controller. 0, or -KENODEV when the platform delivers no
 * messages (no local APIC; arm64, whose PCI devices kraft does not drive)
 * or all are taken.
 */
int arch_msi_alloc(unsigned *irq, uint64_t *address, uint32_t *data);

/* Takes the interrupts that are pending now, if any, and returns with
 * interrupts off again (a scheduler that always has a thread to run would
 * otherwise never see a device). */
void arch_irq_window(void);

/* Waits for the next interrupt (timer or device) with interrupts enabled. */
void arch_cpu_idle(void);

/* Stops the CPU for good (after the platform failed to power off). */
__attribute__((noreturn)) void arch_halt(void);

/* Nanoseconds since an arbitrary point at boot; never goes backwards. */
uint64_t arch_monotonic_ns(void);

/*
 * The raw counter behind it, and a reading's arch_monotonic_ns: a timestamp
 * taken with arch_counter costs no calibration (x86 calibrates the TSC at the
 * first conversion), so the boot can stamp itself before the clock is ready.
 */
uint64_t arch_counter(void);
uint64_t arch_counter_ns(uint64_t count);
/* Whether a conversion now would cost nothing (x86: the TSC is calibrated). */
bool arch_counter_ready(void);
/*
 * The image keeps time (kcore calls it at boot when a scheduler is linked):
 * start finding the counter's rate now, so the first clock read waits less
 * (x86 opens its TSC calibration window, arm64 reads the timer's rate and
 * interrupt from the device tree). Without it the first read starts
 * it, and an image that reads no clock never pays for it.
 */
void arch_clock_start(void);

/* The wall clock (the RTC, read now) in nanoseconds since the Unix epoch; 0
 * if unknown. ktime reads it once, at the first wall-clock request. */
uint64_t arch_wall_clock_at_boot_ns(void);

/*
 * Asks for a timer interrupt at monotonic time deadline_ns (or soon after);
 * it only wakes arch_cpu_idle, handlers are not called. Replaces any earlier
 * request, except that a pending one due no later than deadline_ns may be
 * kept (x86: reprogramming the PIT is costly): callers recheck their
 * deadline after every wake-up.
 */
void arch_timer_arm(uint64_t deadline_ns);

/*
 * Context switch. A saved context is a stack pointer; arch_ctx_init prepares
 * a fresh stack so that switching to it calls entry(arg) on it.
 */
void *arch_ctx_init(void *stack_top, void (*entry)(void *), void *arg);
void arch_ctx_switch(void **save_sp, void *next_sp);

/*
 * Guard pages: unmap (or remap) one page-aligned page of RAM so that any
 * access faults and the crash report says "stack overflow". Returns 0 or
 * -ENOMEM when a page table could not be allocated.
 */
int arch_guard_page_set(void *page);
void arch_guard_page_clear(void *page);

/*
 * Zeroing only what was written, for memory handed out again (posix-mm's
 * cached mmap runs): arch_zero_written_pages zeroes the pages of
 * [base, base + pages * ARCH_PAGE_SIZE) that the CPU may have written since
 * the last call covering them (every page when all is set, where the CPU
 * keeps no dirty bits, or where no 4 KiB entry could be had), and leaves them
 * clean (on arm64, tracking starts at the first call without all: its
 * dirty bits are software ones, and a tracked page costs a fault at its
 * first write). arch_page_dirty says whether page may have been written
 * since.
 * Writes by devices (DMA) are not seen: only CPU-written memory may use this.
 */
void arch_zero_written_pages(void *base, size_t pages, bool all);
bool arch_page_dirty(const void *page);

/*
 * Frame-pointer backtrace of the caller, at most max return addresses.
 * Returns how many were stored.
 */
unsigned arch_backtrace(uintptr_t *pcs, unsigned max);

/* Reads one random word if the CPU has an instruction for it; else false. */
bool arch_random(uint64_t *out);

#endif /* KRAFT_ARCH_H */
