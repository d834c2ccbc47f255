#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

/* A file unlinked while open stays readable through its descriptor. */
int main(void)
{
	int fd = open("gone", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "still here\n", 11);
	int removed = unlink("gone");
	printf("unlink %d exists %d\n", removed, access("gone", F_OK));
	char buf[16] = {0};
	pread(fd, buf, sizeof buf - 1, 0);
	printf("%s", buf);
	return close(fd);
}
