/*
 * The init table: how a library gets its start-up code run at boot without
 * kcore naming it. A library registers a function at a level:
 *
 *     static int virtio_mmio_probe(void) { ... return 0; }
 *     KINIT_REGISTER(virtio_mmio_probe, KINIT_LEVEL_BUS);
 *
 * and linking the library is all it takes: the entry lands in a linker
 * section "kinit.<level>", the platform linker scripts sort those sections
 * by name into one table (kinit_start..kinit_end), and kcore_start calls the
 * entries in that order, after memory, kernel arguments, the interrupt
 * controller and the arch clock are up and before any C or C++ constructor
 * (so constructors of the libc and the application see a finished kernel).
 * It is the same pattern as KSYSCALL_REGISTER (kraft/syscall.h).
 *
 * Levels are two-digit numbers, so that name order is numeric order; use
 * the macros below (a level must be a plain number token: it is pasted into
 * the section name). Within one level the order is the link order, which is
 * not specified: a function that needs another's work done registers at a
 * later level. A function returns 0, or a negative errno (kraft/kerrno.h)
 * that kcore reports as a warning naming the function; start-up goes on,
 * because a missing device should not stop an image that may not use it.
 * A failure the image cannot run without calls kpanic itself.
 *
 * Two more registrations replace what used to be weak hooks:
 *  - KINIT_MAIN_REGISTER (below): what runs once start-up is done, instead
 *    of calling main directly (the in-kernel tests, a libc's start-up);
 *  - KTIME_SLEEP_REGISTER (kraft/ktime.h): how a thread sleeps (the
 *    scheduler).
 */
#ifndef KRAFT_KINIT_H
#define KRAFT_KINIT_H

/* Only memory, kernel arguments and the arch clock are up. */
#define KINIT_LEVEL_EARLY 10
/* Clocks beyond the arch's monotonic one; kcore's wall clock is set here. */
#define KINIT_LEVEL_CLOCK 20
/* Threads: the boot stack becomes the main thread (sched). */
#define KINIT_LEVEL_SCHED 30
/* Buses are discovered (virtio-mmio from the device tree, PCI). */
#define KINIT_LEVEL_BUS 40
/* Device drivers bind to what the buses found (virtio-net, virtio-blk). */
#define KINIT_LEVEL_DEVICE 50
/* The VFS makes its root and mounts the registered file systems. */
#define KINIT_LEVEL_FS 60
/* The root file system's contents are unpacked over them (initrd). */
#define KINIT_LEVEL_ROOTFS 65
/* Network stacks attach to network devices. */
#define KINIT_LEVEL_NET 70
/* Everything else, with all of the above in place (standard streams). */
#define KINIT_LEVEL_LATE 80

struct kinit_entry {
	int (*fn)(void);
	const char *name; /* the function's name, for messages */
};

#define KINIT_STRINGIFY_(x) #x
#define KINIT_STRINGIFY(x)  KINIT_STRINGIFY_(x)

/*
 * Registers int fn(void) to run at boot at level (a KINIT_LEVEL_* macro).
 * The entry is kept by the linker even with --gc-sections (used, retain).
 */
#define KINIT_REGISTER(fn, level)                                              \
	static const struct kinit_entry kinit_entry_##fn __attribute__((       \
	    used, retain, section("kinit." KINIT_STRINGIFY(level)),            \
	    aligned(sizeof(long)))) = {fn, #fn}

/*
 * What runs main. The first entry by level wins; with none, kcore calls
 * main itself and exits with what it returns. run returns the VM's exit
 * status (or never returns: a libc exits through its own exit()).
 */
/* The in-kernel tests run instead of the application (ktest). */
#define KINIT_MAIN_LEVEL_TESTS 10
/* A libc that sets itself up around main (musl). */
#define KINIT_MAIN_LEVEL_LIBC 20

struct kinit_main {
	int (*run)(int argc, char **argv, int (*main)(int, char **));
	const char *name;
};

#define KINIT_MAIN_REGISTER(fn, level)                                         \
	static const struct kinit_main kinit_main_##fn __attribute__((         \
	    used, retain, section("kinit_main." KINIT_STRINGIFY(level)),       \
	    aligned(sizeof(long)))) = {fn, #fn}

#endif /* KRAFT_KINIT_H */
