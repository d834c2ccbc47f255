/*
 * Numbers through musl: qsort of 1000 doubles parsed with strtod from
 * generated text, then printf's %f, %e and %g conversions, each compared
 * with the exact text C requires.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int expect(const char *got, const char *want)
{
	if (!strcmp(got, want))
		return 0;
	printf("got '%s', want '%s'\n", got, want);
	return 1;
}

int main(void)
{
	static double values[1000];
	char text[64], *end;
	int bad = 0;

	for (int i = 0; i < 1000; i++) {
		snprintf(text, sizeof(text), "%d.%03de%d", (i * 7919) % 1000,
		         i % 1000, i % 3 - 1);
		values[i] = strtod(text, &end);
		bad |= *end != 0;
	}
	qsort(values, 1000, sizeof(double), by_value);
	for (int i = 1; i < 1000; i++)
		bad |= values[i - 1] > values[i];
	printf("sorted 1000 values: min %.4f max %.4f\n", values[0],
	       values[999]);

	char buf[64];
	snprintf(buf, sizeof(buf), "%f", 3.14159265358979);
	bad |= expect(buf, "3.141593");
	snprintf(buf, sizeof(buf), "%.2f", 2.675);
	bad |= expect(buf, "2.67"); /* 2.675 is 2.67499999... in binary */
	snprintf(buf, sizeof(buf), "%e", 123456.789);
	bad |= expect(buf, "1.234568e+05");
	snprintf(buf, sizeof(buf), "%g %g", 0.0001, 1e20);
	bad |= expect(buf, "0.0001 1e+20");
	snprintf(buf, sizeof(buf), "%.3f", strtod("-0.0005", 0));
	bad |= expect(buf, "-0.001");
	snprintf(buf, sizeof(buf), "%.10f", sqrt(2.0));
	bad |= expect(buf, "1.4142135624");
	snprintf(buf, sizeof(buf), "%f %f", INFINITY, -NAN);
	bad |= expect(buf, "inf -nan");
	printf("pi is about %f, e is about %.5f\n", acos(-1.0), exp(1.0));
	if (bad)
		return 1;
	puts("numbers: ok");
	return 0;
}
