#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	close(open("plain", O_CREAT | O_WRONLY, 0600));
	mkdir("folder", 0755);
	{
		long rc = open("plain/x", O_RDONLY);
		printf("file as dir %ld %s\n", rc, strerror(errno));
	}
	{
		long rc = rmdir("plain");
		printf("rmdir file %ld %s\n", rc, strerror(errno));
	}
	{
		long rc = unlink("folder");
		printf("unlink dir %ld %s\n", rc, strerror(errno));
	}
	{
		long rc = open("folder", O_WRONLY);
		printf("open dir for write %ld %s\n", rc, strerror(errno));
	}
	{
		long rc = open("plain", O_RDONLY | O_DIRECTORY);
		printf("O_DIRECTORY on file %ld %s\n", rc, strerror(errno));
	}
	unlink("plain");
	return rmdir("folder");
}
