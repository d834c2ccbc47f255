/* printf-family formatting and scanf. */
#define _GNU_SOURCE
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"

void run_stdio(void)
{
	CHECK("printf %d", formats_as("42", "%d", 42));
	CHECK("printf negative", formats_as("-17", "%d", -17));
	CHECK("printf width", formats_as("   42", "%5d", 42));
	CHECK("printf left", formats_as("42   |", "%-5d|", 42));
	CHECK("printf zero pad", formats_as("00042", "%05d", 42));
	CHECK("printf plus", formats_as("+5", "%+d", 5));
	CHECK("printf space", formats_as(" 5", "% d", 5));
	CHECK("printf INT_MIN", formats_as("-2147483648", "%d", INT_MIN));
	CHECK("printf %u", formats_as("4294967295", "%u", UINT_MAX));
	CHECK("printf %ld", formats_as("9223372036854775807", "%ld", LONG_MAX));
	CHECK("printf %lld",
	      formats_as("-9223372036854775808", "%lld", LLONG_MIN));
	CHECK("printf %zu", formats_as("123", "%zu", (size_t)123));
	CHECK("printf %x", formats_as("ff", "%x", 255));
	CHECK("printf %X", formats_as("FF", "%X", 255));
	CHECK("printf %#x", formats_as("0x1f", "%#x", 31));
	CHECK("printf %o", formats_as("17", "%o", 15));
	CHECK("printf %#o", formats_as("017", "%#o", 15));
	CHECK("printf %c", formats_as("A", "%c", 'A'));
	CHECK("printf %s", formats_as("text", "%s", "text"));
	CHECK("printf %.2s", formats_as("te", "%.2s", "text"));
	CHECK("printf %*d", formats_as("    7", "%*d", 5, 7));
	CHECK("printf %%", formats_as("100%", "%d%%", 100));
	char pbuf[32];
	void *pin = (void *)0x1234, *pout = 0;
	snprintf(pbuf, sizeof(pbuf), "%p", pin);
	CHECK("printf %p round trip",
	      sscanf(pbuf, "%p", &pout) == 1 && pout == pin);
	CHECK("printf %f", formats_as("3.141593", "%f", 3.14159265));
	CHECK("printf %.0f rounds half even", formats_as("2", "%.0f", 2.5));
	CHECK("printf %.3f", formats_as("0.125", "%.3f", 0.125));
	CHECK("printf %e", formats_as("1.500000e+03", "%e", 1500.0));
	CHECK("printf %E", formats_as("1.5E-03", "%.1E", 0.0015));
	CHECK("printf %g small", formats_as("1e-05", "%g", 0.00001));
	CHECK("printf %g", formats_as("123457", "%g", 123456.7));
	CHECK("printf %a", formats_as("0x1p+0", "%a", 1.0));
	CHECK("printf inf nan", formats_as("inf nan", "%f %f", INFINITY, NAN));
	CHECK("printf -0.0", formats_as("-0.000000", "%f", -0.0));
	CHECK("printf %Lf", formats_as("1.500000", "%Lf", 1.5L));
	CHECK("printf PRIu64", formats_as("18446744073709551615", "%llu",
	                                  (unsigned long long)UINT64_MAX));
	char small[4];
	CHECK("snprintf truncates",
	      snprintf(small, sizeof(small), "%s", "abcdef") == 6 &&
	          !strcmp(small, "abc"));
	char *heap;
	CHECK("asprintf",
	      asprintf(&heap, "%d-%s", 7, "x") == 3 && !strcmp(heap, "7-x"));
	free(heap);
	int a, n;
	char word[16];
	double d;
	CHECK("sscanf ints",
	      sscanf("12 34", "%d %d", &a, &n) == 2 && a == 12 && n == 34);
	CHECK("sscanf mixed",
	      sscanf("x=3.5 name", "x=%lf %15s", &d, word) == 2 && d == 3.5 &&
	          !strcmp(word, "name"));
	CHECK("sscanf hex", sscanf("ff", "%x", &a) == 1 && a == 255);
	CHECK("sscanf %n", sscanf("abc def", "%*s%n", &n) == 0 && n == 3);
	CHECK("sscanf failure", sscanf("abc", "%d", &a) == 0);
	FILE *mem = fmemopen(word, sizeof(word), "w");
	fprintf(mem, "mem%d", 1);
	fclose(mem);
	CHECK("fmemopen", !strcmp(word, "mem1"));
	char *out = 0;
	size_t outlen = 0;
	FILE *ms = open_memstream(&out, &outlen);
	for (int i = 0; i < 1000; i++)
		fputc('a' + i % 26, ms);
	fclose(ms);
	CHECK("open_memstream", outlen == 1000 && out[26] == 'a');
	free(out);
}
