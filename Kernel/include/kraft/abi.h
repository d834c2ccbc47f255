/*
 * kraft host/guest contract, version 1.
 *
 * What the kernel and `kraft run` must agree on, defined once (see
 * docs/architecture.md). Self-contained on purpose: no other header is
 * needed, so the host side can parse or compile it too, and a Swift test
 * fails when the Swift decoding drifts from these numbers.
 */
#ifndef KRAFT_ABI_H
#define KRAFT_ABI_H

#define KRAFT_ABI_VERSION 1

/*
 * Command line: "kernel-args -- app-args". Without the separator every word
 * is an application argument. Words are split on blanks; double quotes group
 * a word that contains blanks.
 */
#define KRAFT_CMDLINE_SEPARATOR "--"

/*
 * Environment: kraft run turns each Kraftfile env: entry into the kernel
 * argument env.KEY=VALUE; the kernel gives them to the libc as envp, in order.
 */
#define KRAFT_CMDLINE_ENV_PREFIX "env."

/*
 * Exit status. The guest reports one byte V, never 0, so a status cannot be
 * mistaken for QEMU's own failure (1) or a VM that reset silently (0).
 * x86_64 (pc, microvm): V is written to the isa-debug-exit port and QEMU
 * exits with (V << 1) | 1. arm64 virt: semihosting SYS_EXIT with V.
 * Firecracker: the guest prints KRAFT_EXIT_STATUS_LINE V, then resets.
 */
#define KRAFT_EXIT_PORT        0xf4
#define KRAFT_EXIT_APP_MAX     124 /* larger statuses are reported as 124 */
#define KRAFT_EXIT_V_ABORT     126 /* abort() or a fatal signal */
#define KRAFT_EXIT_V_CRASH     127 /* trap, panic, kernel out of memory */
#define KRAFT_EXIT_STATUS_LINE "kraft: exit status "

/* V for an application exit status (any int, as exit() takes it). */
#define KRAFT_EXIT_V_APP(s)                                                    \
	((s) < 0 || (s) > KRAFT_EXIT_APP_MAX ? KRAFT_EXIT_APP_MAX + 1 : (s) + 1)

/*
 * How `kraft run` decodes V (and QEMU's own statuses) into its exit status.
 * NO_REPORT: QEMU failed, or the VM reset (or triple-faulted) silently.
 */
#define KRAFT_HOST_STATUS_ABORT     134
#define KRAFT_HOST_STATUS_CRASH     139
#define KRAFT_HOST_STATUS_NO_REPORT 125

/* QEMU's exit status for V on x86_64 (isa-debug-exit). */
#define KRAFT_QEMU_X86_STATUS(v) (((v) << 1) | 1)

/*
 * Console: kernel messages start with a level tag; application output passes
 * through unchanged.
 */
#define KRAFT_LOG_TAG_CRIT  "[crit] "
#define KRAFT_LOG_TAG_ERROR "[error] "
#define KRAFT_LOG_TAG_WARN  "[warn] "
#define KRAFT_LOG_TAG_INFO  "[info] "
#define KRAFT_LOG_TAG_DEBUG "[debug] "

/*
 * Crash report: one line per frame, "  #N 0x<16 hex digits>", which the host
 * symbolises from the image's .dbg file. The report also says "stack
 * overflow" when the fault hit a guard page.
 */
#define KRAFT_CRASH_HEADER    "kernel crash: "
#define KRAFT_CRASH_FRAME_FMT "  #%u 0x%016lx"

/*
 * In-kernel tests: one line per test ("PASS name" or "FAIL name: reason"),
 * then "N passed, N failed" alone on a line. Status 0 when all passed.
 */
#define KRAFT_TEST_PASS_FMT    "PASS %s"
#define KRAFT_TEST_FAIL_FMT    "FAIL %s: %s"
#define KRAFT_TEST_SUMMARY_FMT "%u passed, %u failed"

#endif /* KRAFT_ABI_H */
