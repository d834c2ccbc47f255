#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	void *p = NULL;
	int rc = posix_memalign(&p, 4096, 10000);
	printf("posix_memalign %d", rc);
	printf(" aligned %d\n", (uintptr_t)p % 4096 == 0);
	free(p);
	void *q = aligned_alloc(64, 640);
	printf("aligned_alloc %d\n", q != NULL && (uintptr_t)q % 64 == 0);
	free(q);
	printf("bad alignment %d\n", posix_memalign(&p, 3, 16));
	return 0;
}
