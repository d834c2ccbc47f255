#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char c;
	printf("EBADF %d\n", read(99, &c, 1) == -1 && errno == EBADF);
	printf("EBADF close %d\n", close(99) == -1 && errno == EBADF);
	int fds[2];
	pipe(fds);
	printf("ESPIPE %d\n",
	       lseek(fds[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
	close(fds[0]);
	close(fds[1]);
	int fd = open("e", O_CREAT | O_RDWR, 0600);
	printf("EINVAL %d\n", lseek(fd, -5, SEEK_SET) == -1 && errno == EINVAL);
	close(fd);
	unlink("e");
	printf("ENOENT %d\n", open("", O_RDONLY) == -1 && errno == ENOENT);
	errno = 0;
	printf("unchanged on success %d\n", getpid() > 0 && errno == 0);
	return 0;
}
