#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	umask(022);
	int fd = open("f", O_CREAT | O_WRONLY | O_TRUNC, 0666);
	write(fd, "12345", 5);
	struct stat st;
	fstat(fd, &st);
	printf("fstat size %ld reg %d mode %o\n", (long)st.st_size,
	       S_ISREG(st.st_mode), st.st_mode & 0777);
	close(fd);
	stat("f", &st);
	printf("stat size %ld nlink %ld\n", (long)st.st_size,
	       (long)st.st_nlink);
	chmod("f", 0600);
	stat(".", &st);
	printf("dir %d\n", S_ISDIR(st.st_mode));
	stat("f", &st);
	printf("after chmod %o\n", st.st_mode & 0777);
	return unlink("f");
}
