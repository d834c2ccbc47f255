#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	pipe(fds);
	struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLOUT, 0}};
	int ready = poll(p, 2, 0);
	printf("ready %d in %d out %d\n", ready, p[0].revents & POLLIN,
	       (p[1].revents & POLLOUT) != 0);
	write(fds[1], "z", 1);
	ready = poll(p, 1, 0);
	printf("ready %d in %d\n", ready, p[0].revents & POLLIN);
	close(fds[1]);
	char c;
	read(fds[0], &c, 1);
	printf("hangup %d\n", poll(p, 1, 100) == 1 && (p[0].revents & POLLHUP));
	printf("timeout %d\n", poll(NULL, 0, 10));
	return close(fds[0]);
}
