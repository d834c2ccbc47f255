/* Python/getplatform.c with the platform its Makefile passes (MACHDEP):
 * sys.platform is "linux", as for the Linux ABI the kernel and musl provide. */
#define PLATFORM "linux"
#include "Python/getplatform.c"
