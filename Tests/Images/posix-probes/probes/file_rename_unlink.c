#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	close(open("old", O_CREAT | O_WRONLY, 0600));
	printf("rename %d\n", rename("old", "new"));
	{
		long rc = access("old", F_OK);
		printf("old %ld %s\n", rc, strerror(errno));
	}
	printf("new %d\n", access("new", F_OK));
	/* Renaming over an existing file replaces it. */
	int fd = open("other", O_CREAT | O_WRONLY, 0600);
	write(fd, "x", 1);
	close(fd);
	printf("replace %d\n", rename("new", "other"));
	printf("unlink %d\n", unlink("other"));
	{
		long rc = unlink("other");
		printf("again %ld %s\n", rc, strerror(errno));
	}
	return 0;
}
