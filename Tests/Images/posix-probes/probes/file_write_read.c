#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	int fd = open("a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	printf("write %zd\n", write(fd, "hello, file\n", 12));
	close(fd);
	char buf[32] = {0};
	fd = open("a.txt", O_RDONLY);
	printf("read %zd: %s", read(fd, buf, sizeof buf - 1), buf);
	printf("eof %zd\n", read(fd, buf, sizeof buf));
	close(fd);
	return unlink("a.txt");
}
