#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	pipe2(fds, O_NONBLOCK);
	char c;
	{
		long rc = read(fds[0], &c, 1);
		printf("empty read %ld %s\n", rc, strerror(errno));
	}
	long filled = 0;
	char block[512] = {0};
	ssize_t n;
	while ((n = write(fds[1], block, sizeof block)) > 0)
		filled += n;
	printf("full write %zd %s filled>0 %d\n", n, strerror(errno),
	       filled > 0);
	close(fds[0]);
	close(fds[1]);
	return 0;
}
