#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fd = open("p", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "abcdefgh", 8);
	pwrite(fd, "XY", 2, 2);
	char buf[9] = {0};
	pread(fd, buf, 8, 0);
	printf("%s offset %ld\n", buf, (long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	return unlink("p");
}
