/*
 * Process identity and start-up calls. There is one process (pid 1) run by
 * root; exit_group ends the VM with the application's status. uname answers
 * "Linux" because libcs and programs branch on it, with a release string that
 * says what really runs.
 */
#include <stdint.h>
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/kerrno.h>
#include <kraft/kstring.h>
#include <kraft/ktime.h>
#include <kraft/posix_process.h>
#include <kraft/syscall.h>

#define KPOSIX_PID 1

struct utsname_linux {
	char sysname[65], nodename[65], release[65], version[65], machine[65],
	    domainname[65];
};

struct rlimit_linux {
	uint64_t cur, max;
};

#define RLIMIT_NOFILE 7
#define RLIM_INFINITY (~0ULL)

static long sys_exit_group(long status, long a1, long a2, long a3, long a4,
                           long a5)
{
	kcore_exit((int)status);
}
KSYSCALL_REGISTER(exit_group, sys_exit_group);

static long sys_getpid(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return KPOSIX_PID;
}
KSYSCALL_REGISTER_LEAF(getpid, sys_getpid);

static long sys_zero(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return 0; /* the parent of pid 1, and every user and group id */
}
KSYSCALL_REGISTER(getppid, sys_zero);
KSYSCALL_REGISTER(getuid, sys_zero);
KSYSCALL_REGISTER(geteuid, sys_zero);
KSYSCALL_REGISTER(getgid, sys_zero);
KSYSCALL_REGISTER(getegid, sys_zero);
KSYSCALL_REGISTER(setsid, sys_zero);

/* There is one process: never a child to wait for. */
static long sys_no_child(long a0, long a1, long a2, long a3, long a4, long a5)
{
	return -KECHILD;
}
KSYSCALL_REGISTER(wait4, sys_no_child);
KSYSCALL_REGISTER(waitid, sys_no_child);

static long sys_uname(long buf, long a1, long a2, long a3, long a4, long a5)
{
	struct utsname_linux *u = (struct utsname_linux *)buf;
	const char *host = kcore_param("hostname");

	if (!u)
		return -KEFAULT;
	kmemset(u, 0, sizeof(*u));
	kstrlcpy(u->sysname, "Linux", sizeof(u->sysname));
	kstrlcpy(u->nodename, host ? host : "kraft", sizeof(u->nodename));
	kstrlcpy(u->release, "6.1.0-kraft", sizeof(u->release));
	kstrlcpy(u->version, "kraft unikernel", sizeof(u->version));
#if defined(__x86_64__)
	kstrlcpy(u->machine, "x86_64", sizeof(u->machine));
#elif defined(__aarch64__)
	kstrlcpy(u->machine, "aarch64", sizeof(u->machine));
#endif
	kstrlcpy(u->domainname, "(none)", sizeof(u->domainname));
	return 0;
}
KSYSCALL_REGISTER(uname, sys_uname);

/* splitmix64, seeded from the clocks, for CPUs without a generator. The
 * raw counter and the coarse wall clock: musl's start-up asks for AT_RANDOM
 * bytes, and a calibrated clock would make every boot wait for x86's TSC
 * calibration there. */
static uint64_t fallback_state;

static uint64_t fallback_next(void)
{
	if (!fallback_state)
		fallback_state = ktime_wall_coarse_ns() ^
		                 (arch_counter() << 17) ^ 0x9e3779b97f4a7c15ULL;
	uint64_t z = (fallback_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void kposix_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n) {
		uint64_t word;
		if (!arch_random(&word))
			word = fallback_next();
		size_t chunk = n < sizeof(word) ? n : sizeof(word);
		kmemcpy(p, &word, chunk);
		p += chunk;
		n -= chunk;
	}
}

static long sys_getrandom(long buf, long len, long flags, long a3, long a4,
                          long a5)
{
	if (len < 0)
		return -KEINVAL;
	if (!buf && len)
		return -KEFAULT;
	kposix_random_bytes((void *)buf, (size_t)len);
	return len;
}
KSYSCALL_REGISTER(getrandom, sys_getrandom);

static long sys_prlimit64(long pid, long resource, long new_limit,
                          long old_limit, long a4, long a5)
{
	struct rlimit_linux *old = (struct rlimit_linux *)old_limit;

	if (pid != 0 && pid != KPOSIX_PID)
		return -KESRCH;
	if (old) {
		old->cur = old->max =
		    resource == RLIMIT_NOFILE ? 1024 : RLIM_INFINITY;
	}
	return new_limit ? -KEPERM : 0;
}
KSYSCALL_REGISTER(prlimit64, sys_prlimit64);

/* The kernel's struct sysinfo on 64-bit architectures (no padding tail). */
struct sysinfo_linux {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram, totalswap,
	    freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
};

/*
 * Uptime and memory from the kernel's clock and page allocator. There is no
 * run queue accounting, so the load averages are 0, and one process.
 * (musl's getloadavg reads these without checking the call's result.)
 */
static long sys_sysinfo(long buf, long a1, long a2, long a3, long a4, long a5)
{
	struct sysinfo_linux *info = (struct sysinfo_linux *)buf;
	struct kalloc_stats stats;

	if (!info)
		return -KEFAULT;
	kalloc_stats(&stats);
	kmemset(info, 0, sizeof(*info));
	info->uptime = (long)(ktime_monotonic_ns() / 1000000000ULL);
	info->totalram = stats.total_bytes;
	info->freeram = stats.free_bytes;
	info->procs = 1;
	info->mem_unit = 1;
	return 0;
}
KSYSCALL_REGISTER(sysinfo, sys_sysinfo);
