/*
 * kcore_start: the arch-neutral boot sequence, read top to bottom. The arch
 * has set up the CPU, mapped RAM and parsed the boot protocol into info.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/kcore.h>
#include <kraft/kinit.h>
#include <kraft/ktime.h>
#include <kraft/print.h>
#include "kcore_internal.h"

/* The application's entry point. */
extern int main(int argc, char **argv);

typedef void (*constructor_fn)(void);
extern constructor_fn __init_array_start[], __init_array_end[];

/* The boot's phases, stamped with the raw counter (no calibration needed)
 * and logged at loglevel=debug: docs/kernel.md's boot profile. */
enum boot_phase {
	PHASE_ARCH,
	PHASE_ALLOC,
	PHASE_ARGS,
	PHASE_IRQ_CLOCK,
	PHASE_KINIT,
	PHASE_CTORS,
	PHASE_COUNT
};
static const char *const phase_names[PHASE_COUNT] = {
    "arch entry to kcore", "allocator hand-over", "arguments",
    "irq and clock",       "init table",          "constructors"};

static void log_boot_profile(const uint64_t *stamps)
{
	uint64_t previous = 0;
	for (int i = 0; i < PHASE_COUNT; i++) {
		uint64_t ns = arch_counter_ns(stamps[i]);
		kdebug("boot: %s took %lu ns", phase_names[i],
		       (unsigned long)(ns - previous));
		previous = ns;
	}
}

void kcore_start(struct kboot_info *info)
{
	uint64_t stamps[PHASE_COUNT];

	stamps[PHASE_ARCH] = arch_counter();
	/* 1. Memory: the free regions go to the image's allocator, which
	 * takes them at the first allocation (kraft/alloc.h). */
	kalloc_init_lazily(info->regions, info->nregions);
	stamps[PHASE_ALLOC] = arch_counter();

	/* 2. Kernel arguments first: they may change the log level. */
	kcore_cmdline_parse(info->cmdline);
	const char *level = kcore_param("loglevel");
	if (level && klog_set_level(level))
		kwarn("unknown loglevel '%s': use crit, error, warn, info or "
		      "debug",
		      level);

	stamps[PHASE_ARGS] = arch_counter();

	/* 3. The interrupt controller and the arch clock. */
	arch_init_late();
	stamps[PHASE_IRQ_CLOCK] = arch_counter();

	/* 4. The init table: every linked library's start-up, by level
	 * (clock, threads, buses, devices, file systems, network; see
	 * kraft/kinit.h). */
	kinit_run_all();
	stamps[PHASE_KINIT] = arch_counter();

	/* 5. C and C++ constructors of the kernel, libraries and app. */
	for (constructor_fn *c = __init_array_start; c < __init_array_end; c++)
		(*c)();
	stamps[PHASE_CTORS] = arch_counter();
	/* Free memory as main finds it. Only at loglevel=info: asking sets
	 * the allocator up, and a console byte is an exit to the monitor
	 * (about 15 us a byte under QEMU's TCG), which a boot at the default
	 * level never pays. */
	if (klog_get_level() >= KLOG_INFO) {
		struct kalloc_stats stats;
		kalloc_stats(&stats);
		kinfo("kraft: booted via %s, %lu KiB free (allocator '%s')",
		      info->protocol, stats.free_bytes / 1024,
		      kalloc_backend_name);
	}

	/* 6. The application; its return value is the VM's exit status. A
	 * registered runner (the in-kernel tests, a libc that sets itself up
	 * first) runs instead of the plain call. */
	/* The monotonic clock starts at the boot's first instruction (the
	 * arch's entry reads the cycle counter), so this is the kernel's
	 * whole share of the boot; bench/ reads it (loglevel=info). */
	if (klog_get_level() >= KLOG_INFO)
		kinfo("kraft: main reached %lu ns after the first instruction",
		      (unsigned long)arch_counter_ns(stamps[PHASE_CTORS]));
	if (klog_get_level() >= KLOG_DEBUG)
		log_boot_profile(stamps);
	const struct kinit_main *runner = kinit_main_runner();
	if (runner)
		kcore_exit(runner->run(kcore_argc(), kcore_argv(), main));
	kcore_exit(main(kcore_argc(), kcore_argv()));
}
