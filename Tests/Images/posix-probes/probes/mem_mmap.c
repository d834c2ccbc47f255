#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
	size_t size = 1 << 20;
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mapped %d\n", p != MAP_FAILED);
	long nonzero = 0;
	for (size_t i = 0; i < size; i += 4096)
		nonzero += p[i];
	printf("zero filled %d\n", nonzero == 0);
	memset(p, 0xab, size);
	printf("mprotect %d\n", mprotect(p, 4096, PROT_READ));
	printf("munmap %d\n", munmap(p, size));
	printf("bad length %d\n",
	       mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	           MAP_FAILED);
	return 0;
}
