/*
 * Tests of what boot sets up before any test runs: constructors, the
 * command line split, the NULL and stack guard pages being in place.
 */
#include <stdint.h>
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/kstring.h>
#include <kraft/ktest.h>

static int constructed;

__attribute__((constructor)) static void construct(void)
{
	constructed++;
}

KTEST(boot, constructors_ran_once)
{
	KT_EXPECT_EQ(kt, constructed, 1);
}

KTEST(boot, argv_is_terminated)
{
	int argc = kcore_argc();
	char **argv = kcore_argv();

	KT_ASSERT(kt, argc >= 1);
	KT_EXPECT(kt, argv[0] && argv[0][0]);
	KT_EXPECT(kt, argv[argc] == 0);
}

KTEST(boot, heap_is_in_free_ram)
{
	extern char _kernel_start[], _kernel_end[];
	char *p = kmalloc(64);

	KT_ASSERT(kt, p);
	KT_EXPECT(kt, p >= _kernel_end || p + 64 <= _kernel_start);
	/* Above the NULL guard, and on x86 not in the firmware's area below
	 * 1 MiB (the EBDA from 0x9fc00, the BIOS): RAM below it is used. */
	KT_EXPECT(kt, (uintptr_t)p >= 0x10000);
	KT_EXPECT(kt, (uintptr_t)p >= 0x100000 || (uintptr_t)p + 64 <= 0x9fc00);
	kfree(p);
}
