/*
 * The init table (see kraft/kinit.h): the platform linker scripts gather the
 * "kinit.<level>" sections, sorted by name, between kinit_start and
 * kinit_end, and the "kinit_main.<level>" ones between kinit_main_start and
 * kinit_main_end.
 */
#include <kraft/kinit.h>
#include <kraft/print.h>
#include "kcore_internal.h"

extern const struct kinit_entry kinit_start[], kinit_end[];
extern const struct kinit_main kinit_main_start[], kinit_main_end[];

void kinit_run_all(void)
{
	for (const struct kinit_entry *e = kinit_start; e < kinit_end; e++) {
		kdebug("init: %s", e->name);
		int err = e->fn();
		if (err)
			kwarn("init: %s failed (error %d)", e->name, -err);
	}
}

const struct kinit_main *kinit_main_runner(void)
{
	/* A loop, as for every registry: comparing the two arrays directly
	 * is one the compiler may fold to a constant. */
	for (const struct kinit_main *m = kinit_main_start; m < kinit_main_end;
	     m++)
		return m;
	return 0;
}
