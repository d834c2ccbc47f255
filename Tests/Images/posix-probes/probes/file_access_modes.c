#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	int fd = open("ro", O_CREAT | O_WRONLY, 0644);
	close(fd);
	fd = open("ro", O_RDONLY);
	{
		long rc = write(fd, "x", 1);
		printf("write to O_RDONLY %ld %s\n", rc, strerror(errno));
	}
	close(fd);
	fd = open("ro", O_WRONLY);
	char c;
	{
		long rc = read(fd, &c, 1);
		printf("read from O_WRONLY %ld %s\n", rc, strerror(errno));
	}
	close(fd);
	int readable = access("ro", R_OK);
	int writable = access("ro", W_OK);
	printf("access R %d W %d\n", readable, writable);
	return unlink("ro");
}
