/*
 * Clocks. The monotonic clock is the TSC, calibrated once at boot against
 * the i8254 PIT's channel 0 counter (polled, so it needs no interrupt and no
 * port 0x61, which microvm lacks), over CONFIG_X86_TSC_CALIBRATE_US. The
 * timer interrupt is the same PIT channel in one-shot mode: it can wait at
 * most ~55 ms, so a longer sleep wakes early and the scheduler re-arms it.
 * Time is kept as (tsc - tsc_at_boot) * mult >> 32, with no division after
 * calibration.
 */
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/print.h>
#include <x86/cpu.h>
#include <x86/x86.h>

#ifndef CONFIG_X86_TSC_CALIBRATE_US
#define CONFIG_X86_TSC_CALIBRATE_US 2000
#endif

#define PIT_HZ     1193182ULL
#define PIT_CH0    0x40
#define PIT_CMD    0x43
#define PIT_MAX    0xffffULL
#define NS_PER_SEC 1000000000ULL

static uint64_t tsc_at_boot;
static uint64_t tsc_hz;
static uint64_t ns_mult; /* ns per TSC tick, 32.32 fixed point */

static uint16_t pit_read(void)
{
	outb(PIT_CMD, 0x00); /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0);
	uint8_t hi = inb(PIT_CH0);
	return (uint16_t)(hi << 8 | lo);
}

void x86_tsc_calibrate(void)
{
	uint64_t want = PIT_HZ * CONFIG_X86_TSC_CALIBRATE_US / 1000000;
	uint64_t elapsed = 0;

	/* Channel 0, lobyte/hibyte, mode 2 (rate generator), from 0xffff. */
	outb(PIT_CMD, 0x34);
	outb(PIT_CH0, 0xff);
	outb(PIT_CH0, 0xff);
	uint16_t last = pit_read();
	uint64_t t0 = rdtsc();
	while (elapsed < want) {
		uint16_t now = pit_read();
		elapsed += (uint16_t)(last - now); /* counts down, wraps */
		last = now;
	}
	uint64_t t1 = rdtsc();

	tsc_hz = (t1 - t0) * PIT_HZ / elapsed;
	if (!tsc_hz)
		kpanic("the TSC does not advance; cannot keep time");
	ns_mult = (NS_PER_SEC << 32) / tsc_hz;
	tsc_at_boot = t0;
	x86_pic_unmask(0);
	kdebug("tsc: %lu kHz", tsc_hz / 1000);
}

uint64_t arch_monotonic_ns(void)
{
	uint64_t delta = rdtsc() - tsc_at_boot;
	return (uint64_t)(((unsigned __int128)delta * ns_mult) >> 32);
}

void arch_timer_arm(uint64_t deadline_ns)
{
	uint64_t now = arch_monotonic_ns();
	uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
	uint64_t count = wait * PIT_HZ / NS_PER_SEC + 1;

	if (count > PIT_MAX)
		count = PIT_MAX;
	/* Channel 0, lobyte/hibyte, mode 0: one interrupt at terminal count. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, count >> 8);
}

void arch_cpu_idle(void)
{
	/* sti takes effect after hlt starts: no wake-up can be missed. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}
