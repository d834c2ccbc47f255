/*
 * The test runner: walks the ktest_cases section (bounded by linker-script
 * symbols), filters by glob, runs each case on the main thread and prints the
 * result lines defined in kraft/abi.h. It registers as the runner of main
 * (kraft/kinit.h), so when this library is linked the tests run after boot
 * instead of the application, and the VM exits with their result.
 */
#include <kraft/abi.h>
#include <kraft/kcore.h>
#include <kraft/kinit.h>
#include <kraft/kstring.h>
#include <kraft/ktest.h>
#include <kraft/print.h>

#ifndef CONFIG_KTEST_FILTER
#define CONFIG_KTEST_FILTER "*"
#endif

extern const struct ktest_case __start_ktest_cases[], __stop_ktest_cases[];

void ktest_fail(struct ktest *kt, const char *file, int line, const char *fmt,
                ...)
{
	va_list ap;

	if (kt->failed)
		return; /* the first failure explains the rest */
	kt->failed = true;
	const char *base = file;
	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	int n =
	    ksnprintf(kt->reason, sizeof(kt->reason), "%s:%d: ", base, line);
	if (n < 0 || (size_t)n >= sizeof(kt->reason))
		return;
	va_start(ap, fmt);
	kvsnprintf(kt->reason + n, sizeof(kt->reason) - (size_t)n, fmt, ap);
	va_end(ap);
}

static int ktest_run_all(int argc, char **argv, int (*main)(int, char **))
{
	const char *filter = kcore_param("ktest");
	unsigned passed = 0, failed = 0;

	if (!filter)
		filter = CONFIG_KTEST_FILTER;
	for (const struct ktest_case *c = __start_ktest_cases;
	     c < __stop_ktest_cases; c++) {
		if (!kglob(filter, c->name))
			continue;
		struct ktest kt = {.name = c->name};
		c->fn(&kt);
		if (kt.failed) {
			kprintf(KRAFT_TEST_FAIL_FMT "\n", c->name, kt.reason);
			failed++;
		} else {
			kprintf(KRAFT_TEST_PASS_FMT "\n", c->name);
			passed++;
		}
	}
	if (!passed && !failed)
		kwarn("no test matches '%s'", filter);
	kprintf(KRAFT_TEST_SUMMARY_FMT "\n", passed, failed);
	return failed ? 1 : 0;
}
KINIT_MAIN_REGISTER(ktest_run_all, KINIT_MAIN_LEVEL_TESTS);
