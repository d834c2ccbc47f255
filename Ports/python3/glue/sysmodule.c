/*
 * Python/sysmodule.c with the flags its Makefile passes to this file alone: the
 * ABI flags (none) and the multiarch name, which names the sysconfig data
 * module the port's prepare step writes for each architecture
 * (_sysconfigdata__linux_<multiarch>).
 */
#define ABIFLAGS ""
#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-musl"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-musl"
#endif
#include "Python/sysmodule.c"
