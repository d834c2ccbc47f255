/*
 * Between plat-xen's files: detecting Xen and calling it. Hypercall numbers
 * and structures are Xen's public ABI (xen/include/public/xen.h, sched.h).
 */
#ifndef PLAT_XEN_H
#define PLAT_XEN_H

#include <stdbool.h>
#include <stdint.h>

#define XEN_HYPERCALL_CONSOLE_IO 18
#define XEN_HYPERCALL_SCHED_OP   29
#define XEN_CONSOLEIO_WRITE      0
#define XEN_SCHEDOP_SHUTDOWN     2
#define XEN_SHUTDOWN_POWEROFF    0
#define XEN_SHUTDOWN_CRASH       3

/* Finds Xen through CPUID and installs the hypercall page; once. */
bool xen_detect(void);
/* Whether xen_detect found Xen (false before it ran). */
bool xen_present(void);
/* Calls hypercall op with up to three arguments; Xen must be present. */
long xen_hypercall3(unsigned op, uint64_t a1, uint64_t a2, uint64_t a3);

#endif /* PLAT_XEN_H */
