#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* One megabyte written in odd-sized pieces and read back whole. */
int main(void)
{
	int fd = open("big", O_CREAT | O_RDWR | O_TRUNC, 0600);
	unsigned char piece[1000];
	long total = 0;
	while (total < 1 << 20) {
		int n =
		    (1 << 20) - total < 1000 ? (int)((1 << 20) - total) : 1000;
		for (int i = 0; i < n; i++)
			piece[i] = (unsigned char)((total + i) * 7);
		total += write(fd, piece, n);
	}
	unsigned char *all = malloc(1 << 20);
	long got = pread(fd, all, 1 << 20, 0);
	long bad = 0;
	for (long i = 0; i < got; i++)
		bad += all[i] != (unsigned char)(i * 7);
	printf("wrote %ld read %ld bad %ld\n", total, got, bad);
	free(all);
	close(fd);
	return unlink("big");
}
