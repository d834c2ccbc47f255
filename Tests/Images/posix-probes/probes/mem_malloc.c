#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	int aligned = 1, ok = 1;
	void *blocks[200];
	for (int i = 0; i < 200; i++) {
		size_t size = (size_t)(i * 37 % 5000) + 1;
		blocks[i] = malloc(size);
		aligned &= ((uintptr_t)blocks[i] % 16) == 0;
		memset(blocks[i], i, size);
	}
	for (int i = 0; i < 200; i++) {
		ok &= ((unsigned char *)blocks[i])[0] == (unsigned char)i;
		free(blocks[i]);
	}
	printf("aligned %d intact %d\n", aligned, ok);
	int *zero = calloc(1000, sizeof *zero);
	long sum = 0;
	for (int i = 0; i < 1000; i++)
		sum += zero[i];
	printf("calloc sum %ld\n", sum);
	free(zero);
	char *grow = malloc(10);
	strcpy(grow, "keep");
	grow = realloc(grow, 100000);
	printf("realloc kept %s\n", grow);
	free(grow);
	free(NULL);
	return 0;
}
