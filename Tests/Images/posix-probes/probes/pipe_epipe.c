#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	int fds[2];
	pipe(fds);
	close(fds[0]);
	{
		long rc = write(fds[1], "x", 1);
		printf("write to closed pipe %ld %s\n", rc, strerror(errno));
	}
	close(fds[1]);
	signal(SIGPIPE, SIG_DFL);
	return 0;
}
