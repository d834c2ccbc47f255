/*
 * libc conformance, run at boot under kraft: each area checks documented C
 * and POSIX behaviour of the libc and the kernel's system calls beneath it.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include "check.h"

unsigned checks_passed, checks_failed;

int formats_as(const char *want, const char *fmt, ...)
{
	static char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strcmp(buf, want)) {
		printf("  got '%s', want '%s'\n", buf, want);
		return 0;
	}
	return 1;
}

int main(void)
{
	run_string();
	run_string_words();
	run_stdio();
	run_stdlib();
	run_math();
	run_time();
	run_pthread();
	run_files();
	run_errno();
	printf("%u passed, %u failed\n", checks_passed, checks_failed);
	return checks_failed ? 1 : 0;
}
