#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	mkdir("from", 0755);
	close(open("from/file", O_CREAT | O_WRONLY, 0600));
	printf("rename dir %d\n", rename("from", "to"));
	printf("child moved %d\n", access("to/file", F_OK));
	mkdir("to/deeper", 0755);
	printf("move file %d\n", rename("to/file", "to/deeper/file"));
	printf("found %d\n", access("to/deeper/file", F_OK));
	unlink("to/deeper/file");
	rmdir("to/deeper");
	return rmdir("to");
}
