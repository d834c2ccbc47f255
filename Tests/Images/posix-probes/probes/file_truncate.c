#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static long size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(void)
{
	int fd = open("t", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(fd, "0123456789", 10);
	ftruncate(fd, 4);
	printf("ftruncate %ld\n", size("t"));
	truncate("t", 8);
	char buf[8];
	pread(fd, buf, 8, 0);
	printf("truncate %ld tail %d%d%d%d\n", size("t"), buf[4], buf[5],
	       buf[6], buf[7]);
	close(fd);
	fd = open("t", O_WRONLY | O_TRUNC);
	printf("O_TRUNC %ld\n", size("t"));
	close(fd);
	return unlink("t");
}
