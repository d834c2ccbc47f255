/*
 * Time for kernel and libc: the arch's monotonic clock, the wall clock as
 * read once at boot plus monotonic time since, and sleep. Sleep goes through
 * the scheduler when one is linked, so other threads run meanwhile;
 * otherwise the CPU idles until the deadline.
 */
#include <kraft/arch.h>
#include <kraft/ktime.h>
#include "kcore_internal.h"

static uint64_t wall_at_boot_ns;
static uint64_t mono_at_wall_read_ns;

void ktime_init(void)
{
	mono_at_wall_read_ns = arch_monotonic_ns();
	wall_at_boot_ns = arch_wall_clock_at_boot_ns();
}

uint64_t ktime_monotonic_ns(void)
{
	return arch_monotonic_ns();
}

uint64_t ktime_wall_ns(void)
{
	return wall_at_boot_ns + (arch_monotonic_ns() - mono_at_wall_read_ns);
}

void ksleep_ns(uint64_t ns)
{
	uint64_t deadline = arch_monotonic_ns() + ns;

	if (sched_sleep_until) {
		sched_sleep_until(deadline);
		return;
	}
	while (arch_monotonic_ns() < deadline) {
		arch_timer_arm(deadline);
		arch_cpu_idle();
	}
}
