#include <stdint.h>
#include <stdio.h>

int main(void)
{
	printf("[%5d] [%-5d] [%05d] [%+d] [%x] [%#o] [%X]\n", 42, 42, 42, 42,
	       255, 8, 0xBEEF);
	printf("[%.3f] [%10.2e] [%g] [%g] [%a]\n", 3.14159, 12345.678, 0.0001,
	       1e20, 1.0);
	printf("[%s] [%.3s] [%10s] [%-10s] [%c]\n", "text", "truncate", "right",
	       "left", 'z');
	printf("[%lld] [%llu] [%jd] [%zu] [%%]\n", -(1LL << 40),
	       (unsigned long long)-1, (intmax_t)7, sizeof(int));
	printf("[%*d] [%.*f]\n", 6, 7, 2, 2.71828);
	int n;
	printf("count%n", &n);
	printf(" %d\n", n);
	return 0;
}
