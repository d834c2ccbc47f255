/* Tests of the clocks and sleep (kraft/ktime.h). */
#include <kraft/ktest.h>
#include <kraft/ktime.h>

KTEST(time, monotonic_never_goes_back)
{
	uint64_t last = ktime_monotonic_ns();

	for (int i = 0; i < 1000; i++) {
		uint64_t now = ktime_monotonic_ns();
		KT_ASSERT(kt, now >= last);
		last = now;
	}
}

KTEST(time, sleep_waits_at_least_as_asked)
{
	uint64_t start = ktime_monotonic_ns();

	ksleep_ns(10 * KTIME_NS_PER_MS);
	uint64_t took = ktime_monotonic_ns() - start;
	KT_EXPECT(kt, took >= 10 * KTIME_NS_PER_MS);
	/* It must wake up; the bound is loose, as a loaded host may be slow. */
	KT_EXPECT(kt, took < 5 * KTIME_NS_PER_SEC);
}

KTEST(time, long_sleep_outlasts_one_timer_period)
{
	uint64_t start = ktime_monotonic_ns();

	ksleep_ns(120 * KTIME_NS_PER_MS); /* the PIT waits ~55 ms at most */
	KT_EXPECT(kt, ktime_monotonic_ns() - start >= 120 * KTIME_NS_PER_MS);
}

KTEST(time, wall_clock_advances_with_monotonic)
{
	/* Wall reads nested inside monotonic ones: dw can never exceed dm,
	 * however long the host deschedules the VM between two reads. */
	uint64_t m0 = ktime_monotonic_ns(), w0 = ktime_wall_ns();

	ksleep_ns(2 * KTIME_NS_PER_MS);
	uint64_t w1 = ktime_wall_ns(), m1 = ktime_monotonic_ns();
	KT_EXPECT(kt, w1 - w0 >= 2 * KTIME_NS_PER_MS);
	KT_EXPECT(kt, w1 - w0 <= m1 - m0);
}
