#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	errno = 0;
	long big = strtol("999999999999999999999", NULL, 10);
	printf("ERANGE %d max %d\n", errno == ERANGE, big == LONG_MAX);
	errno = 0;
	char *end;
	long v = strtol("123abc", &end, 10);
	printf("partial %ld rest %s errno %d\n", v, end, errno);
	errno = 0;
	double d = strtod("1e400", NULL);
	printf("overflow %d inf %d\n", errno == ERANGE, d > 1e308);
	return 0;
}
