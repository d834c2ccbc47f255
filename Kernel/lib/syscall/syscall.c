/*
 * The system-call dispatcher. The handler table is built on first use from
 * the "ksyscalls" section that area libraries fill with KSYSCALL_REGISTER,
 * so linking an area library is all it takes to enable its calls. Unknown
 * numbers return -ENOSYS and are logged once each (a bitmap remembers which),
 * which keeps a libc probing for optional features from flooding the log.
 */
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/ktime.h>
#include <kraft/print.h>
#include <kraft/syscall.h>

/* Names by number for logs, from kraft/syscall_list.h. */
static const struct {
	long nr;
	const char *name;
} ksyscall_names[] = {
#define KSYSCALL_NR(name, x86_64, aarch64)                                     \
	{KSYSCALL_NR_OF(x86_64, aarch64), #name},
#include <kraft/syscall_list.h>
#undef KSYSCALL_NR
};

#define KSYSCALL_MAX 512

extern const struct ksyscall_entry __start_ksyscalls[], __stop_ksyscalls[];
extern const struct ksyscall_threads *const __start_ksyscall_threads[],
    *const __stop_ksyscall_threads[];

static ksyscall_fn handlers[KSYSCALL_MAX];
/* Handlers registered with KSYSCALL_REGISTER_LEAF, by number (all zero
 * until the table is built, so the first call takes the full path). */
static unsigned char leaf[KSYSCALL_MAX];
static int table_ready;
static const struct ksyscall_threads *threads;
static uint64_t logged[KSYSCALL_MAX / 64];

/* What ksyscall_full reads around a call that may block, set by build_table:
 * the thread library's switch counter and its hook. Without a thread library
 * the counter is one that never moves, so the hook is never called. */
static const unsigned long no_switches;
static const volatile unsigned long *switch_count = &no_switches;
static void (*after_switches)(void);

static void build_table(void)
{
	for (const struct ksyscall_entry *e = __start_ksyscalls;
	     e < __stop_ksyscalls; e++) {
		if (e->nr < 0)
			continue; /* KSYS_ABSENT: not on this architecture */
		KASSERT(e->nr < KSYSCALL_MAX);
		KASSERT(!handlers[e->nr]); /* two libraries claim one call */
		handlers[e->nr] = e->fn;
#ifndef CONFIG_SYSCALL_PROFILE /* the profile times every call */
		leaf[e->nr] = (unsigned char)e->leaf;
#endif
	}
	for (const struct ksyscall_threads *const *t = __start_ksyscall_threads;
	     t < __stop_ksyscall_threads; t++) {
		KASSERT(!threads); /* two thread libraries */
		threads = *t;
		if (threads->syscall_return) {
			KASSERT(threads->switches); /* the header's contract */
			switch_count = threads->switches;
			after_switches = threads->syscall_return;
		}
	}
	table_ready = 1;
}

const struct ksyscall_threads *ksyscall_threads(void)
{
	if (!table_ready)
		build_table();
	return threads;
}

const char *ksyscall_name(long n)
{
	for (size_t i = 0;
	     n >= 0 && i < sizeof(ksyscall_names) / sizeof(*ksyscall_names);
	     i++)
		if (ksyscall_names[i].nr == n)
			return ksyscall_names[i].name;
	return "unknown";
}

static __attribute__((noinline, cold)) long not_implemented(long n)
{
	if (n >= 0 && n < KSYSCALL_MAX) {
		uint64_t bit = 1ULL << (n % 64);
		if (logged[n / 64] & bit)
			return -KENOSYS;
		logged[n / 64] |= bit;
	}
	kwarn("syscall '%s' (%ld) is not implemented: returning -ENOSYS",
	      ksyscall_name(n), n);
	return -KENOSYS;
}

#ifdef CONFIG_SYSCALL_PROFILE
/* Calls and time (the guest's clock: TSC or CNTVCT) per number, printed when
 * the program exits (exit_group): where its kernel time went. The time
 * includes what other threads ran while a call blocked. */
static uint64_t profile_calls[KSYSCALL_MAX], profile_ns[KSYSCALL_MAX];

static void profile_report(void)
{
	for (long n = 0; n < KSYSCALL_MAX; n++)
		if (profile_calls[n])
			kprintf("syscall-profile %s calls=%llu ns=%llu "
			        "ns-per-call=%llu\n",
			        ksyscall_name(n),
			        (unsigned long long)profile_calls[n],
			        (unsigned long long)profile_ns[n],
			        (unsigned long long)(profile_ns[n] /
			                             profile_calls[n]));
}
#endif

static long dispatch(long n, long a0, long a1, long a2, long a3, long a4,
                     long a5)
{
	if (n >= 0 && n < KSYSCALL_MAX && handlers[n])
		return handlers[n](a0, a1, a2, a3, a4, a5);
	return not_implemented(n);
}

#ifdef CONFIG_SYSCALL_PROFILE
static long profiled(long n, long a0, long a1, long a2, long a3, long a4,
                     long a5)
{
	if (n == KSYS_exit_group)
		profile_report();
	uint64_t start = ktime_monotonic_ns();
	long r = dispatch(n, a0, a1, a2, a3, a4, a5);
	if (n >= 0 && n < KSYSCALL_MAX) {
		profile_calls[n]++;
		profile_ns[n] += ktime_monotonic_ns() - start;
	}
	return r;
}
#define dispatch profiled /* ksyscall below calls the profiled version */
#endif

static long ksyscall_full(long n, long a0, long a1, long a2, long a3, long a4,
                          long a5);

/* The first call (any number) builds the table, then takes the usual path:
 * kept out of ksyscall_full so its arguments need not survive a call. */
static __attribute__((noinline, cold)) long
ksyscall_first(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
	build_table();
	return ksyscall_full(n, a0, a1, a2, a3, a4, a5);
}

/* A call that may block: after it, the thread library restores what another
 * thread may have changed, but only when threads switched meanwhile (a
 * compare of the switch counter); no lock, no table walk. Only the counter's
 * value lives across the handler, so the arguments just move down one
 * register (a frame of two saved registers, not six). */
static __attribute__((noinline)) long
ksyscall_full(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
	if (__builtin_expect(!table_ready, 0))
		return ksyscall_first(n, a0, a1, a2, a3, a4, a5);
	const volatile unsigned long *count = switch_count;
	unsigned long before = *count;
	long r = dispatch(n, a0, a1, a2, a3, a4, a5);
	if (__builtin_expect(*count != before, 0))
		after_switches();
	return r;
}

long ksyscall_may_block(ksyscall_fn fn, long a0, long a1, long a2, long a3,
                        long a4)
{
	const volatile unsigned long *count = switch_count;
	unsigned long before = *count;
	long r = fn(a0, a1, a2, a3, a4, 0);
	if (__builtin_expect(*count != before, 0))
		after_switches();
	return r;
}

/* The entry musl calls (as a function: no trap, no register save beyond the
 * C calling convention). A leaf handler is a bounds check, a byte load and a
 * jump away. Both ways out are tail calls, so (built without a leaf frame
 * pointer, library.yaml) ksyscall has no frame of its own: it only moves the
 * arguments down one register. */
long ksyscall(long n, long a0, long a1, long a2, long a3, long a4, long a5)
{
	if ((unsigned long)n < KSYSCALL_MAX && leaf[n])
		return handlers[n](a0, a1, a2, a3, a4, a5);
	__attribute__((musttail)) return ksyscall_full(n, a0, a1, a2, a3, a4,
	                                               a5);
}
