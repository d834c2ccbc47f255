#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fd = open("s.bin", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "0123456789", 10);
	printf("end %ld\n", (long)lseek(fd, 0, SEEK_END));
	printf("set %ld\n", (long)lseek(fd, 3, SEEK_SET));
	char c;
	read(fd, &c, 1);
	printf("byte %c\n", c);
	printf("cur %ld\n", (long)lseek(fd, -2, SEEK_CUR));
	/* Writing past the end leaves a hole that reads as zeros. */
	lseek(fd, 20, SEEK_SET);
	write(fd, "x", 1);
	char buf[21];
	pread(fd, buf, 21, 0);
	int zeros = 0;
	for (int i = 10; i < 20; i++)
		zeros += buf[i] == 0;
	printf("size 21 zeros %d last %c\n", zeros, buf[20]);
	close(fd);
	return unlink("s.bin");
}
