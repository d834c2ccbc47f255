/*
 * How the kernel ends, in the terms of kraft/abi.h: an application status
 * becomes V = status + 1 (clamped), abort() is 126, a crash or panic 127.
 * The platform library reports V to the host.
 */
#include <stdarg.h>
#include <kraft/abi.h>
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/plat.h>
#include <kraft/print.h>

void kcore_exit(int status)
{
	if (status < 0 || status > KRAFT_EXIT_APP_MAX)
		kwarn("exit status %d reported as %d (the largest kraft "
		      "passes through)",
		      status, KRAFT_EXIT_APP_MAX);
	plat_exit((uint8_t)KRAFT_EXIT_V_APP(status));
}

void kcore_abort(void)
{
	kcrit("application aborted");
	plat_exit(KRAFT_EXIT_V_ABORT);
}

void kcore_crash(void)
{
	plat_exit(KRAFT_EXIT_V_CRASH);
}

void kpanic(const char *fmt, ...)
{
	static int panicking;
	va_list ap;
	uintptr_t pcs[16];

	arch_irq_save();
	if (panicking++)
		kcore_crash(); /* panicked while panicking */
	kbegin_line();
	kprintf(KRAFT_LOG_TAG_CRIT KRAFT_CRASH_HEADER "panic: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\nbacktrace:\n");
	unsigned n = arch_backtrace(pcs, 16);
	for (unsigned i = 0; i < n; i++)
		kprintf(KRAFT_CRASH_FRAME_FMT "\n", i, pcs[i] - 1);
	kcore_crash();
}
