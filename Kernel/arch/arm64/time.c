/*
 * Clocks: the Arm generic timer. The monotonic clock is the virtual counter
 * (CNTVCT_EL0) at CNTFRQ_EL0 ticks per second, both set by the machine, so
 * nothing needs calibrating. The timer interrupt is the virtual timer (its
 * private interrupt from the device tree's "arm,armv8-timer" node, 27 by
 * default): the virtual timer is the one a guest owns under KVM too. It only
 * wakes arch_cpu_idle, so the handler just switches it off. Conversions use
 * 32.32 fixed-point multipliers: no division after boot, and no 128-bit
 * division (which would need a compiler runtime). The rate and the
 * interrupt are set up when kcore says the image keeps time
 * (arch_clock_start: a scheduler is linked) or at the first clock read, not
 * at every boot: under QEMU's TCG code run once is what a boot costs, and
 * hello reads no clock.
 */
#include <kraft/arch.h>
#include <kraft/fdt.h>
#include <kraft/gic.h>
#include <kraft/kcore.h>
#include <kraft/print.h>
#include <arm64/arm64.h>
#include <arm64/sysreg.h>

#define NS_PER_SEC      1000000000ULL
#define CNTV_CTL_ENABLE 1u
#define TIMER_VIRT_PPI  11u /* PPI 11 = interrupt ID 27 */

static uint64_t count_at_boot;
uint64_t arm64_first_count;
static uint64_t ns_per_tick;  /* 32.32 */
static uint64_t ticks_per_ns; /* 32.32 */
static unsigned timer_intid = GIC_PPI_BASE + TIMER_VIRT_PPI;

static uint64_t counter(void)
{
	isb(); /* no reading the counter early, out of order */
	return read_sysreg(cntvct_el0);
}

void arm64_timer_init(void)
{
	/* Time 0 is the boot's first instruction (head.S read the counter). */
	count_at_boot = arm64_first_count ? arm64_first_count : counter();
}

static bool timer_ready;

void arch_clock_start(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0) & 0xffffffff;
	uint32_t ppi;

	if (timer_ready)
		return;
	if (!freq)
		kpanic("the generic timer has no frequency (CNTFRQ_EL0 is 0)");
	ns_per_tick = (NS_PER_SEC << 32) / freq;
	ticks_per_ns = (freq << 32) / NS_PER_SEC;

	/* "interrupts": secure, non-secure physical, virtual, hypervisor;
	 * each <type number flags>. */
	int node = fdt_find_compatible(-1, "arm,armv8-timer");
	if (node >= 0 && fdt_prop_u32(node, "interrupts", 2 * 3 + 1, &ppi))
		timer_intid = GIC_PPI_BASE + ppi;

	write_sysreg(cntv_ctl_el0, 0);
	gic_enable_ppi(timer_intid);
	timer_ready = true;
	kdebug("timer: %lu kHz, interrupt %u", freq / 1000, timer_intid);
}

/* Out of line: the clock reads keep one test of a flag. */
static __attribute__((noinline, cold)) void timer_needed(void)
{
	arch_clock_start();
}

uint64_t arch_counter(void)
{
	return counter();
}

bool arch_counter_ready(void)
{
	return true;
}

uint64_t arch_counter_ns(uint64_t count)
{
	if (__builtin_expect(!timer_ready, 0))
		timer_needed();
	uint64_t delta = count - count_at_boot;
	return (uint64_t)(((unsigned __int128)delta * ns_per_tick) >> 32);
}

uint64_t arch_monotonic_ns(void)
{
	return arch_counter_ns(counter());
}

void arch_timer_arm(uint64_t deadline_ns)
{
	if (__builtin_expect(!timer_ready, 0))
		timer_needed();
	uint64_t ticks =
	    (uint64_t)(((unsigned __int128)deadline_ns * ticks_per_ns) >> 32);
	write_sysreg(cntv_cval_el0, count_at_boot + ticks);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

void arm64_timer_irq(unsigned intid)
{
	/* Level-triggered: switching the timer off lowers the line. */
	if (intid == timer_intid)
		write_sysreg(cntv_ctl_el0, 0);
}

void arch_irq_window(void)
{
	__asm__ volatile("msr daifclr, #2\n"
	                 "isb\n"
	                 "msr daifset, #2" ::
	                     : "memory");
}

void arch_cpu_idle(void)
{
	/*
	 * WFI wakes on a pending interrupt even while PSTATE.I masks it, so
	 * one arriving between the caller's check and here is not lost; it
	 * is then taken in the short unmasked window.
	 */
	dsb(sy);
	__asm__ volatile("wfi\n"
	                 "msr daifclr, #2\n"
	                 "isb\n"
	                 "msr daifset, #2" ::
	                     : "memory");
}
