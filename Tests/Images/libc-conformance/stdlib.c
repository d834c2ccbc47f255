/* <stdlib.h>: conversions, sorting, searching, allocation, environment. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

void run_stdlib(void)
{
	char *end;

	CHECK("atoi", atoi("  -123xyz") == -123);
	CHECK("atol", atol("1000000") == 1000000L);
	CHECK("strtol base 10",
	      strtol("42abc", &end, 10) == 42 && !strcmp(end, "abc"));
	CHECK("strtol base 16", strtol("0x1F", 0, 16) == 31);
	CHECK("strtol base 0 octal", strtol("017", 0, 0) == 15);
	CHECK("strtol base 2", strtol("1011", 0, 2) == 11);
	errno = 0;
	CHECK("strtol overflow",
	      strtol("99999999999999999999", 0, 10) == LONG_MAX &&
	          errno == ERANGE);
	errno = 0;
	CHECK("strtoul negative wraps",
	      strtoul("-1", 0, 10) == ULONG_MAX && errno == 0);
	CHECK("strtoll", strtoll("-9223372036854775808", 0, 10) == LLONG_MIN);
	CHECK("strtoull",
	      strtoull("18446744073709551615", 0, 10) == ULLONG_MAX);
	CHECK("strtod", strtod("3.25", 0) == 3.25);
	CHECK("strtod exponent", strtod("1e3", 0) == 1000.0);
	CHECK("strtod hex", strtod("0x1.8p1", 0) == 3.0);
	CHECK("strtod end", strtod("2.5kg", &end) == 2.5 && !strcmp(end, "kg"));
	CHECK("strtod inf", strtod("inf", 0) > 1e308);
	CHECK("strtof", strtof("0.5", 0) == 0.5f);
	errno = 0;
	CHECK("strtod underflow",
	      strtod("1e-400", 0) == 0.0 && errno == ERANGE);
	int v[] = {5, 3, 9, 1, 7, 2, 8, 6, 4, 0};
	qsort(v, 10, sizeof(int), cmp_int);
	int sorted = 1;
	for (int i = 0; i < 10; i++)
		sorted &= v[i] == i;
	CHECK("qsort", sorted);
	int key = 7;
	CHECK("bsearch found",
	      *(int *)bsearch(&key, v, 10, sizeof(int), cmp_int) == 7);
	key = 42;
	CHECK("bsearch missing",
	      bsearch(&key, v, 10, sizeof(int), cmp_int) == 0);
	CHECK("abs labs llabs",
	      abs(-3) == 3 && labs(-4L) == 4 && llabs(-5LL) == 5);
	div_t q = div(17, 5);
	CHECK("div", q.quot == 3 && q.rem == 2);
	ldiv_t lq = ldiv(-17, 5);
	CHECK("ldiv truncates", lq.quot == -3 && lq.rem == -2);
	char *p = malloc(1 << 20);
	CHECK("malloc 1 MiB", p != 0);
	memset(p, 1, 1 << 20);
	p = realloc(p, 4 << 20);
	CHECK("realloc keeps", p && p[(1 << 20) - 1] == 1);
	free(p);
	int *z = calloc(1000, sizeof(int));
	int zero = 1;
	for (int i = 0; i < 1000; i++)
		zero &= z[i] == 0;
	CHECK("calloc zeroes", z && zero);
	free(z);
	void *al = 0;
	CHECK("posix_memalign", posix_memalign(&al, 4096, 100) == 0 &&
	                            ((uintptr_t)al & 4095) == 0);
	free(al);
	void *ag = aligned_alloc(64, 128);
	CHECK("aligned_alloc", ag && ((uintptr_t)ag & 63) == 0);
	free(ag);
	CHECK("malloc(0) freeable", (free(malloc(0)), 1));
	CHECK("getenv from env:",
	      getenv("CONFORMANCE") && !strcmp(getenv("CONFORMANCE"), "yes"));
	CHECK("getenv unset", getenv("NOT_SET_ANYWHERE") == 0);
	CHECK("setenv",
	      setenv("K", "v1", 1) == 0 && !strcmp(getenv("K"), "v1"));
	CHECK("setenv no overwrite",
	      setenv("K", "v2", 0) == 0 && !strcmp(getenv("K"), "v1"));
	CHECK("unsetenv", unsetenv("K") == 0 && getenv("K") == 0);
	srand(1);
	int r1 = rand();
	srand(1);
	CHECK("rand reproducible", rand() == r1);
	CHECK("rand range", r1 >= 0 && r1 <= RAND_MAX);
	CHECK("mblen ascii", mblen("a", 1) == 1);
}
