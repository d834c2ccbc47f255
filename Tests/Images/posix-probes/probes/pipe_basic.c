#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fds[2];
	printf("pipe %d\n", pipe(fds));
	printf("write %zd\n", write(fds[1], "through the pipe", 16));
	char buf[32] = {0};
	printf("read %zd %s\n", read(fds[0], buf, sizeof buf - 1), buf);
	close(fds[1]);
	printf("eof %zd\n", read(fds[0], buf, sizeof buf));
	return close(fds[0]);
}
