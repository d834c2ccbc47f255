#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	int fd = open("c", O_CREAT | O_RDWR | O_TRUNC, 0600);
	printf("cloexec %d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	printf("cloexec %d\n", fcntl(fd, F_GETFD) & FD_CLOEXEC);
	printf("accmode rdwr %d\n", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	fcntl(fd, F_SETFL, O_APPEND);
	printf("append %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
	int low = fcntl(fd, F_DUPFD, 10);
	printf("dupfd %d\n", low);
	close(low);
	close(fd);
	{
		long rc = fcntl(fd, F_GETFD);
		printf("closed %ld %s\n", rc, strerror(errno));
	}
	return unlink("c");
}
