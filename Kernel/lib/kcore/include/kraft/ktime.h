/*
 * Time: a monotonic clock (calibrated at boot by the architecture), the wall
 * clock (read once at boot, then advanced by the monotonic clock) and
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
void ksleep_ns(uint64_t ns);

/* The scheduler's sleep, when one is linked (see kraft/sched.h). */
void sched_sleep_until(uint64_t deadline_ns) __attribute__((weak));

#endif /* KRAFT_KTIME_H */
