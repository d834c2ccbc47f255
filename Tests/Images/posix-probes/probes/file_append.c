#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fd = open("log", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	write(fd, "one\n", 4);
	close(fd);
	fd = open("log", O_WRONLY | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	write(fd, "two\n", 4);
	close(fd);
	char buf[16] = {0};
	fd = open("log", O_RDONLY);
	read(fd, buf, sizeof buf - 1);
	close(fd);
	printf("%s", buf);
	return unlink("log");
}
