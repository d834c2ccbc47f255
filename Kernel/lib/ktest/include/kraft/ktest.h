/*
 * In-kernel unit tests. A test is a function registered by KTEST into the
 * "ktest_cases" linker section, so a library adds tests without any list to
 * edit. With the ktest library in an image they run after boot instead of
 * the application: tests whose "suite.name" matches the glob in the kernel
 * argument ktest= (else CONFIG_KTEST_FILTER) run in link order, each printing
 * "PASS name" or "FAIL name: reason", then "N passed, N failed" alone on a
 * line; the image exits 0 when none failed, else 1 (kraft/abi.h).
 *
 *	KTEST(string, strlen_counts_bytes)
 *	{
 *		KT_EXPECT_EQ(kt, kstrlen("abc"), 3);
 *	}
 *
 * KT_EXPECT records a failure and goes on; KT_ASSERT also returns.
 */
#ifndef KRAFT_KTEST_H
#define KRAFT_KTEST_H

#include <stdbool.h>
#include <kraft/kstring.h>

struct ktest {
	const char *name;
	bool failed;
	char reason[160]; /* the first failure only */
};

struct ktest_case {
	const char *name;
	void (*fn)(struct ktest *kt);
};

void ktest_fail(struct ktest *kt, const char *file, int line, const char *fmt,
                ...) __attribute__((format(printf, 4, 5)));

#define KTEST(suite, test)                                                     \
	static void ktest_fn_##suite##_##test(struct ktest *kt);               \
	static const struct ktest_case ktest_case_##suite##_##test             \
	    __attribute__((used, section("ktest_cases"), aligned(8))) = {      \
	        #suite "." #test, ktest_fn_##suite##_##test};                  \
	static void ktest_fn_##suite##_##test(struct ktest *kt)

#define KT_EXPECT(kt, cond)                                                    \
	do {                                                                   \
		if (!(cond))                                                   \
			ktest_fail(kt, __FILE__, __LINE__, "expected %s",      \
			           #cond);                                     \
	} while (0)

#define KT_EXPECT_EQ(kt, a, b)                                                 \
	do {                                                                   \
		long long ktest_a_ = (long long)(a);                           \
		long long ktest_b_ = (long long)(b);                           \
		if (ktest_a_ != ktest_b_)                                      \
			ktest_fail(kt, __FILE__, __LINE__,                     \
			           "expected %s == %s (%lld != %lld)", #a, #b, \
			           ktest_a_, ktest_b_);                        \
	} while (0)

#define KT_EXPECT_STR(kt, a, b)                                                \
	do {                                                                   \
		const char *ktest_a_ = (a), *ktest_b_ = (b);                   \
		if (kstrcmp(ktest_a_, ktest_b_))                               \
			ktest_fail(kt, __FILE__, __LINE__,                     \
			           "expected %s == \"%s\" (got \"%s\")", #a,   \
			           ktest_b_, ktest_a_);                        \
	} while (0)

#define KT_ASSERT(kt, cond)                                                    \
	do {                                                                   \
		if (!(cond)) {                                                 \
			ktest_fail(kt, __FILE__, __LINE__, "required %s",      \
			           #cond);                                     \
			return;                                                \
		}                                                              \
	} while (0)

#endif /* KRAFT_KTEST_H */
