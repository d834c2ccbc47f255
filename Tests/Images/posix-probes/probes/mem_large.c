#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 16 MiB in one block and 16 x 1 MiB, touched and freed twice over. */
int main(void)
{
	for (int round = 0; round < 2; round++) {
		char *big = malloc(16 << 20);
		if (big == NULL)
			return 1;
		memset(big, round + 1, 16 << 20);
		printf("big last byte %d\n", big[(16 << 20) - 1]);
		free(big);
		char *many[16];
		for (int i = 0; i < 16; i++) {
			many[i] = malloc(1 << 20);
			if (many[i] == NULL)
				return 2;
			many[i][(1 << 20) - 1] = (char)i;
		}
		int ok = 1;
		for (int i = 0; i < 16; i++) {
			ok &= many[i][(1 << 20) - 1] == i;
			free(many[i]);
		}
		printf("many ok %d\n", ok);
	}
	return 0;
}
