/*
 * Ending the kernel and checking invariants. Exit values follow kraft/abi.h:
 * kcore_exit maps an application status, kcore_abort is abort(), and
 * kpanic/kcore_crash end with the crash status after printing why.
 */
#ifndef KRAFT_KCORE_H
#define KRAFT_KCORE_H

#include <stdint.h>

#define __noreturn __attribute__((noreturn))

/* Application exit (any int; statuses above 124 are clamped and logged). */
__noreturn void kcore_exit(int status);
__noreturn void kcore_abort(void);
/* A crash whose report has already been printed. */
__noreturn void kcore_crash(void);
__noreturn void kpanic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Invariants only; never for input errors. */
#define KASSERT(cond)                                                          \
	do {                                                                   \
		if (!(cond))                                                   \
			kpanic("assertion '%s' failed at %s:%d", #cond,        \
			       __FILE__, __LINE__);                            \
	} while (0)

/* The application's arguments, split from the command line at boot. */
int kcore_argc(void);
/* argv[argc] is NULL; argv[0] is CONFIG_KCORE_APP_NAME. */
char **kcore_argv(void);
/* The value of kernel argument key=value (before "--"), or NULL. */
const char *kcore_param(const char *key);
/* The i-th kernel argument word (before "--"), or NULL past the last. */
const char *kcore_kernel_arg(int i);

#endif /* KRAFT_KCORE_H */
