/*
 * Clocks. The monotonic clock is the TSC. Its rate comes from the KVM clock
 * when the hypervisor offers one (Firecracker, QEMU with KVM): the pvclock
 * structure's scale is exactly the TSC-to-nanoseconds factor, so boot skips
 * calibration. Otherwise (TCG) it is calibrated once against the i8254
 * PIT's channel 0 counter (polled, so it needs no interrupt and no port
 * 0x61, which microvm lacks), over CONFIG_X86_TSC_CALIBRATE_US. The
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

#define KVM_CPUID_SIGNATURE      0x40000000
#define KVM_CPUID_FEATURES       0x40000001
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define MSR_KVM_SYSTEM_TIME_NEW  0x4b564d01

/* The KVM clock's per-vCPU record (Linux's pvclock_vcpu_time_info). */
struct pvclock_time_info {
	uint32_t version; /* odd while the hypervisor updates it */
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __attribute__((packed));

static struct pvclock_time_info pvclock __attribute__((aligned(64)));

/* Sets ns_mult from the KVM clock's scale; false without a KVM clock. */
static bool scale_from_kvmclock(void)
{
	uint32_t r[4];

	cpuid(KVM_CPUID_SIGNATURE, 0, r);
	/* "KVMKVMKVM\0\0\0" in ebx, ecx, edx. */
	if (r[1] != 0x4b4d564b || r[2] != 0x564b4d56 || r[3] != 0x4d)
		return false;
	cpuid(KVM_CPUID_FEATURES, 0, r);
	if (!(r[0] & KVM_FEATURE_CLOCKSOURCE2))
		return false;

	/* KVM fills the record before the guest runs again. */
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uintptr_t)&pvclock | 1);
	uint32_t version, mul;
	int8_t shift;
	do {
		version = __atomic_load_n(&pvclock.version, __ATOMIC_ACQUIRE);
		mul = pvclock.tsc_to_system_mul;
		shift = pvclock.tsc_shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != __atomic_load_n(&pvclock.version,
	                                                     __ATOMIC_ACQUIRE));
	/* Only the scale was wanted: stop the updates (and the writes into
	 * kernel memory that come with them). */
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);
	if (!version || !mul)
		return false;

	/* ns = ((delta << shift) * mul) >> 32, folded into one factor. */
	ns_mult = shift >= 0 ? (uint64_t)mul << shift : (uint64_t)mul >> -shift;
	tsc_hz = (NS_PER_SEC << 32) / ns_mult;
	return true;
}

static uint16_t pit_read(void)
{
	outb(PIT_CMD, 0x00); /* latch channel 0 */
	uint8_t lo = inb(PIT_CH0);
	uint8_t hi = inb(PIT_CH0);
	return (uint16_t)(hi << 8 | lo);
}

static void calibrate_against_pit(void)
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
}

void x86_tsc_calibrate(void)
{
	const char *source = "kvmclock";

	if (!scale_from_kvmclock()) {
		calibrate_against_pit();
		source = "pit";
	}
	/* Time 0 is the boot's first instruction (entry.S read the TSC). */
	tsc_at_boot = x86_boot_tsc ? x86_boot_tsc : rdtsc();
	x86_pic_unmask(0);
	kdebug("tsc: %lu kHz (from %s)", tsc_hz / 1000, source);
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

void arch_irq_window(void)
{
	/* sti holds interrupts off for one more instruction: the nop. */
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

void arch_cpu_idle(void)
{
	/* sti takes effect after hlt starts: no wake-up can be missed. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}
