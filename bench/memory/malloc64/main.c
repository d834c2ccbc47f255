/* One malloc of 64 MiB with every page written (see Kraftfile). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void)
{
	size_t size = 64u << 20;
	char *p = malloc(size);
	if (!p) {
		puts("malloc failed");
		return 1;
	}
	memset(p, 1, size);
	printf("malloc(64 MiB) ok %d\n", p[size - 1]);
	free(p);
	return 0;
}
