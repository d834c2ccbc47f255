#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	mkdir("at", 0755);
	int dir = open("at", O_RDONLY | O_DIRECTORY);
	int fd = openat(dir, "inside", O_CREAT | O_WRONLY, 0600);
	write(fd, "hi", 2);
	close(fd);
	struct stat st;
	int found = fstatat(dir, "inside", &st, 0);
	printf("fstatat %d size %ld\n", found, (long)st.st_size);
	printf("exists via path %d\n", access("at/inside", F_OK));
	printf("mkdirat %d\n", mkdirat(dir, "sub", 0755));
	int file = unlinkat(dir, "inside", 0);
	int sub = unlinkat(dir, "sub", AT_REMOVEDIR);
	printf("unlinkat %d %d\n", file, sub);
	char start[512];
	getcwd(start, sizeof start);
	printf("fchdir %d\n", fchdir(dir));
	printf("cwd empty %d\n", access("inside", F_OK) != 0);
	chdir(start);
	close(dir);
	return rmdir("at");
}
