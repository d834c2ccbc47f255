/*
 * The system-call layer: Linux system calls as plain function calls. A libc
 * (the musl port) calls ksyscall(n, ...) where Linux would trap; there is no
 * trap, no mode switch and no copy: the application and the kernel share one
 * address space. Numbers are Linux's for the architecture, so the libc needs
 * no translation.
 *
 * Each area library (posix-process, posix-fd, ...) registers its handlers
 * with KSYSCALL below; the dispatcher finds them in the "ksyscalls" linker
 * section. A number nobody handles returns -ENOSYS and is logged once, naming
 * the call, so a missing feature shows up in the boot log instead of as a
 * crash.
 *
 * Error contract: handlers return a non-negative result or a negative Linux
 * errno (kraft/kerrno.h values and the KE* extras below), exactly what the
 * Linux system call returns.
 */
#ifndef KRAFT_SYSCALL_H
#define KRAFT_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

/*
 * A call this architecture does not have: the dispatcher skips handlers
 * registered for it, so area libraries register for every architecture
 * without conditionals.
 */
#define KSYS_ABSENT (-1)

/* This architecture's column of kraft/syscall_list.h. */
#if defined(__x86_64__)
#define KSYSCALL_NR_OF(x86_64, aarch64) (x86_64)
#elif defined(__aarch64__)
#define KSYSCALL_NR_OF(x86_64, aarch64) (aarch64)
#else
#error "no system-call numbers for this architecture yet"
#endif

/* KSYS_<name>: the number of each call of kraft/syscall_list.h. */
enum ksyscall_nr {
#define KSYSCALL_NR(name, x86_64, aarch64)                                     \
	KSYS_##name = KSYSCALL_NR_OF(x86_64, aarch64),
#include <kraft/syscall_list.h>
#undef KSYSCALL_NR
};

/* Errno values beyond kraft/kerrno.h that system calls need (Linux's). */
#define KESRCH        3
#define KEBADF        9
#define KECHILD       10
#define KEACCES       13
#define KEFAULT       14
#define KEEXIST       17
#define KEXDEV        18
#define KENOTDIR      20
#define KEISDIR       21
#define KENFILE       23
#define KEMFILE       24
#define KENOTTY       25
#define KEFBIG        27
#define KENOSPC       28
#define KESPIPE       29
#define KEROFS        30
#define KEPIPE        32
#define KENAMETOOLONG 36
#define KENOTEMPTY    39
#define KELOOP        40
#define KEOVERFLOW    75
#define KEOPNOTSUPP   95

typedef long (*ksyscall_fn)(long a0, long a1, long a2, long a3, long a4,
                            long a5);

struct ksyscall_entry {
	long nr;
	ksyscall_fn fn;
	long leaf; /* 1: fn never blocks or switches threads itself */
};

/*
 * Registers fn as the handler of system call KSYS_name. The entry is kept by
 * the linker even with --gc-sections (used, retain).
 */
#define KSYSCALL_REGISTER(name, fn)                                            \
	static const struct ksyscall_entry ksyscall_entry_##name               \
	    __attribute__((used, retain, section("ksyscalls"),                 \
	                   aligned(sizeof(long)))) = {KSYS_##name, fn, 0}

/*
 * The same for a handler that never blocks, sleeps or switches threads
 * itself (getpid, clock_gettime, mmap): ksyscall jumps straight to it, with
 * nothing before or after (no thread check, no return through the
 * dispatcher). System calls the handler makes through ksyscall, or an
 * application signal handler it runs, may block: each such call restores
 * the calling thread's state on its own way out, so nothing is left for
 * the leaf's return to do.
 */
#define KSYSCALL_REGISTER_LEAF(name, fn)                                       \
	static const struct ksyscall_entry ksyscall_entry_##name               \
	    __attribute__((used, retain, section("ksyscalls"),                 \
	                   aligned(sizeof(long)))) = {KSYS_##name, fn, 1};    \
	KSYSCALL_LEAF_SYMBOL(name, fn)

/*
 * A leaf's second registration: the symbol ksyscall_leaf_<name>, an alias
 * of its handler. The libc (the musl port's syscall_arch.h) declares one
 * weak symbol per call it may reach this way and calls it directly when the
 * link defined it: no ksyscall, no table, no argument shuffle (getpid is a
 * call and a return). The linker's symbol table is the per-call fast-path
 * table, filled at link time by whichever library registered the leaf; the
 * libc names the Linux call, never a library, and a call no library
 * registered as leaf stays 0 and goes through ksyscall. Libraries that
 * register leaves export `ksyscall_leaf_*` (library.yaml). The system-call
 * profile times every call in ksyscall, so it defines no alias.
 */
#ifdef CONFIG_SYSCALL_PROFILE
#define KSYSCALL_LEAF_SYMBOL(name, fn)                                         \
	extern const struct ksyscall_entry ksyscall_entry_##name
#else
#define KSYSCALL_LEAF_SYMBOL(name, fn)                                         \
	__asm__(".globl ksyscall_leaf_" #name "\n\t"                          \
	        ".set ksyscall_leaf_" #name ", " #fn)
#endif

/*
 * For a leaf handler some of whose calls may block after all (read(2) of a
 * pipe, where a read of a file in RAM never waits): runs fn(a0, ..., a4) as
 * a full call would, restoring the calling thread's state afterwards when
 * threads switched meanwhile. The common case stays a leaf (no dispatcher
 * around it); the rare one pays what every blocking call pays.
 */
long ksyscall_may_block(ksyscall_fn fn, long a0, long a1, long a2, long a3,
                        long a4);

/* The entry point the libc calls instead of trapping. */
long ksyscall(long n, long a0, long a1, long a2, long a3, long a4, long a5);

/* The name of system call n for messages, or "unknown". */
const char *ksyscall_name(long n);

/*
 * What a thread library tells the system-call layer, registered with
 * KSYSCALL_THREADS_REGISTER (at most one; without one there is one thread).
 */
struct ksyscall_threads {
	/* Called after a system call during which other threads ran, on the
	 * calling thread: restores the thread pointer (TLS). */
	void (*syscall_return)(void);
	/* A count of context switches: when a call leaves it unchanged, it ran
	 * on one thread and syscall_return is skipped (the fast path of every
	 * call that does not block). Required when syscall_return is set. */
	const unsigned long *switches;
	/* The calling thread's blocked-signal mask. */
	uint64_t *(*signal_mask)(void);
	/* Optional: where the thread library keeps a pointer to the running
	 * thread's mask (what signal_mask would return), or NULL while it does
	 * not know yet. The signal library reads it instead of calling
	 * signal_mask in every rt_sigprocmask (musl makes four per thread
	 * create + join). It must be right whenever application code runs:
	 * the library sets it where a thread starts and in syscall_return,
	 * the places that also restore the thread pointer. */
	uint64_t *const *running_signal_mask;
};

#define KSYSCALL_THREADS_REGISTER(ops)                                         \
	static const struct ksyscall_threads *const ksyscall_threads_##ops     \
	    __attribute__((used, retain, section("ksyscall_threads"),          \
	                   aligned(sizeof(long)))) = &ops

/* The registered thread library's operations, or NULL. */
const struct ksyscall_threads *ksyscall_threads(void);

#endif /* KRAFT_SYSCALL_H */
