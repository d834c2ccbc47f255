#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int fd = open("d", O_CREAT | O_RDWR | O_TRUNC, 0600);
	int copy = dup(fd);
	write(fd, "abc", 3);
	/* Duplicates share one file offset. */
	printf("shared offset %ld\n", (long)lseek(copy, 0, SEEK_CUR));
	int fixed = dup2(fd, 20);
	printf("dup2 %d\n", fixed);
	write(fixed, "def", 3);
	close(fd);
	lseek(copy, 0, SEEK_SET);
	char buf[7] = {0};
	read(copy, buf, 6);
	printf("%s\n", buf);
	printf("dup2 same %d\n", dup2(copy, copy) == copy);
	close(copy);
	close(fixed);
	return unlink("d");
}
