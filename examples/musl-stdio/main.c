/*
 * stdio and malloc at scale: 20000 blocks of varied sizes are allocated,
 * filled, checked and freed in an interleaved order (exercising musl's
 * mallocng over the kernel's mmap/brk), then formatted output is written to
 * a string and to stdout. Prints "stdio: ok" and exits 0 when every check
 * holds.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCKS 20000

static int check_blocks(void)
{
	static unsigned char *blocks[BLOCKS];
	static size_t sizes[BLOCKS];
	uint32_t seed = 12345;
	size_t total = 0;

	for (int i = 0; i < BLOCKS; i++) {
		seed = seed * 1103515245u + 12345u;
		sizes[i] = 1 + (seed >> 8) % (i % 200 == 0 ? 100000 : 1000);
		blocks[i] = malloc(sizes[i]);
		if (!blocks[i]) {
			printf("malloc(%zu) failed at block %d\n", sizes[i], i);
			return 1;
		}
		memset(blocks[i], i & 0xff, sizes[i]);
		total += sizes[i];
	}
	/* Free every other block, then grow the rest with realloc. */
	for (int i = 0; i < BLOCKS; i += 2) {
		free(blocks[i]);
		blocks[i] = 0;
	}
	for (int i = 1; i < BLOCKS; i += 2) {
		unsigned char *p = realloc(blocks[i], sizes[i] * 2);
		if (!p || p[0] != (i & 0xff) || p[sizes[i] - 1] != (i & 0xff)) {
			printf("realloc lost the contents of block %d\n", i);
			return 1;
		}
		blocks[i] = p;
	}
	for (int i = 1; i < BLOCKS; i += 2)
		free(blocks[i]);
	printf("allocated %d blocks, %zu bytes in all\n", BLOCKS, total);
	return 0;
}

static int check_formatting(void)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%5d|%-5s|%05.1f|%x|%o|%c|%%|%lld", 42, "ab",
	         3.14159, 255, 8, 'z', -9000000000LL);
	const char *want = "   42|ab   |003.1|ff|10|z|%|-9000000000";
	if (strcmp(buf, want)) {
		printf("snprintf gave '%s', want '%s'\n", buf, want);
		return 1;
	}
	for (int line = 1; line <= 5; line++)
		printf("line %d of %d: %s\n", line, 5,
		       line % 2 ? "odd" : "even");
	fputs("fputs to stderr\n", stderr);
	return 0;
}

int main(void)
{
	if (check_blocks() || check_formatting())
		return 1;
	puts("stdio: ok");
	return 0;
}
