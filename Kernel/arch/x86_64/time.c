/*
 * Clocks. The monotonic clock is the TSC. Its rate comes, without waiting,
 * from the first of: the KVM clock (Firecracker, QEMU with KVM: the pvclock
 * structure's scale is exactly the TSC-to-nanoseconds factor), the
 * hypervisor timing leaf 0x40000010 (VMware's, which QEMU/KVM offer with
 * vmware-cpuid-freq), CPUID leaf 0x15 (TSC / crystal ratio times the crystal
 * frequency) and, on Intel, leaf 0x16 (the base frequency the invariant TSC
 * runs at). Where none says it (QEMU TCG), the TSC is calibrated against the
 * i8254 PIT's channel 0 counter (polled, so it needs no interrupt and no port
 * 0x61, which microvm lacks) over CONFIG_X86_TSC_CALIBRATE_US, lazily: the
 * window opens when kcore says the image keeps time (arch_clock_start: a
 * scheduler is linked) and closes at the first clock read, so the rest of
 * the boot runs inside it and only the part of the window it did not cover
 * is waited for. An image that never reads a clock (hello) neither asks the
 * hypervisor for the rate nor touches the PIT: code run once is what a boot
 * costs under TCG. One that reads a clock without a scheduler opens the
 * window at its first read and waits it out then. The timer interrupt is the
 * same PIT channel in one-shot mode: it can wait at most ~55 ms, so a longer
 * sleep wakes early and the scheduler re-arms it. Time is kept as (tsc -
 * tsc_at_boot) * mult >> 32, with no division after calibration.
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

static void set_rate(uint64_t hz)
{
	tsc_hz = hz;
	ns_mult = (NS_PER_SEC << 32) / tsc_hz;
}

/* Sets the rate from what the CPU or hypervisor reports; false if silent. */
static bool rate_from_cpuid(const char **source)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	if (r[2] & (1u << 31)) { /* running under a hypervisor */
		cpuid(0x40000000, 0, r);
		if (r[0] >= 0x40000010) {
			cpuid(0x40000010, 0, r);
			if (r[0]) {
				set_rate((uint64_t)r[0] * 1000);
				*source = "cpuid 0x40000010";
				return true;
			}
		}
	}
	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	bool intel = r[1] == 0x756e6547; /* "Genu" */
	if (max_leaf >= 0x15) {
		cpuid(0x15, 0, r);
		if (r[0] && r[1] && r[2]) {
			set_rate((uint64_t)r[2] * r[1] / r[0]);
			*source = "cpuid 0x15";
			return true;
		}
	}
	if (intel && max_leaf >= 0x16) {
		cpuid(0x16, 0, r);
		if (r[0] & 0xffff) {
			set_rate((uint64_t)(r[0] & 0xffff) * 1000000);
			*source = "cpuid 0x16";
			return true;
		}
	}
	return false;
}

/*
 * The calibration window: opened at boot, closed at the first clock read.
 * Each end is a PIT event bracketed by two TSC reads; a host that preempts
 * the vCPU between them (a loaded machine under TCG) widens the bracket, so
 * the window is closed only once both brackets together are under
 * 1/CALIBRATE_ERROR_DIVISOR of it.
 */
#define CALIBRATE_ERROR_DIVISOR 1000
#define CALIBRATE_START_READS   3
static uint64_t window_tsc, window_tsc_error;
static int64_t window_ticks;
static bool window_open;

/* PIT ticks since the count was loaded, or -1 once the counter ran out;
 * *tsc and *error give the TSC when the count was latched. */
static int64_t pit_elapsed(uint64_t *tsc, uint64_t *error)
{
	uint64_t before = rdtsc();
	outb(PIT_CMD, 0xc2); /* read-back: latch channel 0's status and count */
	uint64_t after = rdtsc();
	uint8_t status = inb(PIT_CH0);
	uint8_t lo = inb(PIT_CH0);
	uint8_t hi = inb(PIT_CH0);
	*tsc = before + (after - before) / 2;
	*error = after - before;
	if (status & 0x80) /* OUT high: the count reached zero */
		return -1;
	return (int64_t)(PIT_MAX - (uint16_t)(hi << 8 | lo));
}

/* Channel 0, lobyte/hibyte, mode 0 from 0xffff: counts down once and raises
 * OUT at zero (~55 ms), so an expired window is told from a short one. The
 * window starts at the best bracketed of a few reads. */
static void open_window(void)
{
	window_tsc_error = UINT64_MAX;
	for (int i = 0;
	     i < CALIBRATE_START_READS || window_tsc_error == UINT64_MAX; i++) {
		uint64_t tsc, error;
		if (i % CALIBRATE_START_READS == 0) {
			outb(PIT_CMD, 0x30);
			outb(PIT_CH0, 0xff);
			outb(PIT_CH0, 0xff);
		}
		int64_t ticks = pit_elapsed(&tsc, &error);
		if (ticks >= 0 && error < window_tsc_error) {
			window_ticks = ticks;
			window_tsc = tsc;
			window_tsc_error = error;
		}
	}
	window_open = true;
}

/* Closes the window, waiting only for what the boot did not cover. */
static void calibrate_against_pit(void)
{
	int64_t want = PIT_HZ * CONFIG_X86_TSC_CALIBRATE_US / 1000000;
	int64_t elapsed;
	uint64_t tsc, error;

	for (;;) {
		elapsed = pit_elapsed(&tsc, &error) - window_ticks;
		if (elapsed < 0) { /* longer than the counter: start over */
			open_window();
			continue;
		}
		if (elapsed >= want && tsc > window_tsc &&
		    (error + window_tsc_error) * CALIBRATE_ERROR_DIVISOR <
		        tsc - window_tsc)
			break;
		cpu_relax();
	}
	window_open = false;
	set_rate((tsc - window_tsc) * PIT_HZ / (uint64_t)elapsed);
	x86_pic_unmask(0);
	kdebug("tsc: %lu kHz (from the pit over %lu us)", tsc_hz / 1000,
	       (unsigned long)(elapsed * 1000000 / PIT_HZ));
}

void x86_clock_init(void)
{
	/* Time 0 is the boot's first instruction (entry.S read the TSC). */
	tsc_at_boot = x86_boot_tsc ? x86_boot_tsc : rdtsc();
}

static bool rate_known;

/* The rate from the hypervisor or the CPU when one says it, otherwise the
 * calibration window opens. */
static void start_rate(void)
{
	const char *source = "kvmclock";

	if (scale_from_kvmclock() || rate_from_cpuid(&source)) {
		rate_known = true;
		x86_pic_unmask(0);
		kdebug("tsc: %lu kHz (from %s)", tsc_hz / 1000, source);
		return;
	}
	open_window();
}

void arch_clock_start(void)
{
	if (!rate_known && !window_open)
		start_rate();
}

/* Out of line: the clock reads keep one test of a flag. */
static __attribute__((noinline, cold)) void rate_needed(void)
{
	arch_clock_start();
	if (window_open) {
		calibrate_against_pit();
		rate_known = true;
	}
}

uint64_t arch_counter(void)
{
	return rdtsc();
}

bool arch_counter_ready(void)
{
	return rate_known;
}

uint64_t arch_counter_ns(uint64_t count)
{
	if (__builtin_expect(!rate_known, 0))
		rate_needed();
	uint64_t delta = count - tsc_at_boot;
	return (uint64_t)(((unsigned __int128)delta * ns_mult) >> 32);
}

uint64_t arch_monotonic_ns(void)
{
	if (__builtin_expect(!rate_known, 0))
		rate_needed();
	return arch_counter_ns(rdtsc());
}

/*
 * When the PIT's pending interrupt is due (monotonic ns); armed is false
 * once it has come. Each programming of the PIT is three port writes, and
 * under QEMU each one takes its global lock and the last one moves a host
 * timer (waking QEMU's main loop): a server idling between requests, whose
 * poll slice (posix-fd) asks for a deadline a little later each time,
 * would pay that on every idle. An interrupt already due no later than the
 * new deadline is kept instead: every caller rechecks its deadline after
 * waking, so waking early only costs one more arming.
 */
static uint64_t armed_due_ns;
static bool armed;

void x86_pit_irq(void)
{
	armed = false;
}

void arch_timer_arm(uint64_t deadline_ns)
{
	uint64_t now = arch_monotonic_ns();
	uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
	uint64_t count = wait * PIT_HZ / NS_PER_SEC + 1;

	if (count > PIT_MAX)
		count = PIT_MAX;
	if (armed && armed_due_ns <= deadline_ns && armed_due_ns > now)
		return;
	/* Channel 0, lobyte/hibyte, mode 0: one interrupt at terminal count. */
	outb(PIT_CMD, 0x30);
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, count >> 8);
	armed_due_ns = now + count * NS_PER_SEC / PIT_HZ;
	armed = true;
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
