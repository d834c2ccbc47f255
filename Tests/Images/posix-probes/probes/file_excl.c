#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	int fd = open("x", O_CREAT | O_EXCL | O_WRONLY, 0600);
	printf("first %d\n", fd >= 0);
	close(fd);
	fd = open("x", O_CREAT | O_EXCL | O_WRONLY, 0600);
	printf("second %d %s\n", fd, strerror(errno));
	fd = open("missing", O_RDONLY);
	printf("missing %d %s\n", fd, strerror(errno));
	return unlink("x");
}
