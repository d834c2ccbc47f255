/*
 * Time: a monotonic clock (calibrated by the architecture, on x86 at the
 * first read), the wall clock (read once, then advanced by the monotonic
 * clock) and
 * sleeping. ksleep_ns blocks the calling thread when a scheduler runs, and
 * otherwise idles the CPU until the deadline.
 */
#ifndef KRAFT_KTIME_H
#define KRAFT_KTIME_H

#include <stdint.h>

#define KTIME_NS_PER_US  1000ULL
#define KTIME_NS_PER_MS  1000000ULL
#define KTIME_NS_PER_SEC 1000000000ULL

uint64_t ktime_monotonic_ns(void);
/* Nanoseconds since the Unix epoch, or since boot if the VM has no RTC. */
uint64_t ktime_wall_ns(void);
/*
 * The same for timestamps the kernel takes itself (file times): before
 * anything read a clock, the RTC alone (a second's resolution, as the RTC
 * has), so a boot that creates files does not wait for x86's TSC
 * calibration; ktime_wall_ns from then on. Never behind an earlier reading.
 */
uint64_t ktime_wall_coarse_ns(void);
void ksleep_ns(uint64_t ns);

/*
 * How the calling thread sleeps until a monotonic deadline: a scheduler
 * registers its sleep so that other threads run meanwhile. At most one may
 * be linked; with none, ksleep_ns idles the CPU until the deadline.
 */
struct ktime_sleeper {
	void (*sleep_until)(uint64_t deadline_ns);
	const char *name;
};

#define KTIME_SLEEP_REGISTER(fn)                                               \
	static const struct ktime_sleeper ktime_sleeper_##fn                   \
	    __attribute__((used, retain, section("ktime_sleepers"),            \
	                   aligned(sizeof(long)))) = {fn, #fn}

#endif /* KRAFT_KTIME_H */
