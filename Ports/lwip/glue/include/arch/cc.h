/*
 * lwIP's compiler and platform definitions for kraft: the kernel's print
 * and panic for diagnostics, the compiler's byte-order macros, and the libc's
 * integer and string headers (lwIP uses memcpy, strlen and friends).
 */
#ifndef KRAFT_LWIP_ARCH_CC_H
#define KRAFT_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

void kraft_lwip_diag(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void kraft_lwip_assert(const char *message,
                                                 const char *file, int line);

#define LWIP_PLATFORM_DIAG(x)                                                  \
	do {                                                                   \
		kraft_lwip_diag x;                                             \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x) kraft_lwip_assert(x, __FILE__, __LINE__)

#define LWIP_ERR_T int

#endif /* KRAFT_LWIP_ARCH_CC_H */
