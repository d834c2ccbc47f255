/*
 * Time for kernel and libc: the arch's monotonic clock, the wall clock as
 * read once (at its first use, so a boot that never asks pays for neither
 * the RTC read nor, on x86, the TSC calibration) plus monotonic time since,
 * and sleep. Sleep goes through
 * the registered sleep (the scheduler's) when one is linked, so other threads
 * run meanwhile; otherwise the CPU idles until the deadline.
 */
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/kinit.h>
#include <kraft/ktime.h>

static uint64_t wall_at_read_ns;
static uint64_t mono_at_wall_read_ns;
static bool wall_read;

extern const struct ktime_sleeper __start_ktime_sleepers[],
    __stop_ktime_sleepers[];

/* The registered sleep (kraft/ktime.h), or NULL: found once at boot. */
static void (*sleep_until)(uint64_t deadline_ns);

static int ktime_init(void)
{
	const struct ktime_sleeper *s = __start_ktime_sleepers;
	if (s < __stop_ktime_sleepers) {
		if (s + 1 < __stop_ktime_sleepers)
			kpanic("two sleeps registered: '%s' and '%s'", s->name,
			       s[1].name);
		sleep_until = s->sleep_until;
		/* An image that can sleep keeps time: the clock's rate is
		 * found while the rest of the boot runs (kraft/arch.h). */
		arch_clock_start();
	}
	return 0;
}
KINIT_REGISTER(ktime_init, KINIT_LEVEL_CLOCK);

uint64_t ktime_monotonic_ns(void)
{
	return arch_monotonic_ns();
}

uint64_t ktime_wall_coarse_ns(void)
{
	static uint64_t rtc_ns;
	static bool rtc_read;

	if (wall_read || arch_counter_ready())
		return ktime_wall_ns();
	if (!rtc_read) {
		rtc_ns = arch_wall_clock_at_boot_ns();
		rtc_read = true;
	}
	return rtc_ns;
}

uint64_t ktime_wall_ns(void)
{
	if (!wall_read) {
		mono_at_wall_read_ns = arch_monotonic_ns();
		wall_at_read_ns = arch_wall_clock_at_boot_ns();
		wall_read = true;
	}
	return wall_at_read_ns + (arch_monotonic_ns() - mono_at_wall_read_ns);
}

void ksleep_ns(uint64_t ns)
{
	uint64_t deadline = arch_monotonic_ns() + ns;

	if (sleep_until) {
		sleep_until(deadline);
		return;
	}
	while (arch_monotonic_ns() < deadline) {
		arch_timer_arm(deadline);
		arch_cpu_idle();
	}
}
