/*
 * Ending a Xen guest. Xen's shutdown carries a reason, not a status, so the
 * status is printed first as "kraft: exit status V" (the line kraft reads
 * from Firecracker's console too), then SCHEDOP_shutdown powers the domain
 * off, or marks it crashed for V = 127 (so `on_crash=` in the domain's
 * configuration applies). Without Xen the image was booted by something else
 * (QEMU, through the same PVH entry): the byte goes to isa-debug-exit, as on
 * the other x86 platforms, and the CPU halts if nothing listens.
 */
#include <kraft/abi.h>
#include <kraft/arch.h>
#include <kraft/plat.h>
#include <kraft/print.h>
#include <x86/cpu.h>
#include "xen.h"

void xen_console_flush(void);

void plat_exit(uint8_t v)
{
	kputc('\n');
	kprint_exit_status(v);
	if (xen_present()) {
		xen_console_flush();
		uint32_t reason = v == KRAFT_EXIT_V_CRASH
		                      ? XEN_SHUTDOWN_CRASH
		                      : XEN_SHUTDOWN_POWEROFF;
		xen_hypercall3(XEN_HYPERCALL_SCHED_OP, XEN_SCHEDOP_SHUTDOWN,
		               (uintptr_t)&reason, 0);
	} else {
		outb(KRAFT_EXIT_PORT, v);
	}
	arch_halt();
}
