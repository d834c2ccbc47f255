#include <fcntl.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	int fd = open("v", O_CREAT | O_RDWR | O_TRUNC, 0600);
	struct iovec out[3] = {{"alpha ", 6}, {"beta ", 5}, {"gamma\n", 6}};
	printf("writev %zd\n", writev(fd, out, 3));
	lseek(fd, 0, SEEK_SET);
	char a[4] = {0}, b[20] = {0};
	struct iovec in[2] = {{a, 3}, {b, sizeof b - 1}};
	printf("readv %zd [%s] [%s]", readv(fd, in, 2), a, b);
	close(fd);
	return unlink("v");
}
