#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Giving a file the owner it has, or leaving owner and group as they are (-1),
 * as a program running as its own user does (SQLite gives a new journal the
 * database's owner). */
int main(void)
{
	int fd = open("owned", O_CREAT | O_RDWR, 0644);
	printf("fchown to self: %d\n", fchown(fd, getuid(), getgid()));
	printf("chown unchanged: %d\n", chown("owned", (uid_t)-1, (gid_t)-1));
	printf("lchown to self: %d\n", lchown("owned", getuid(), (gid_t)-1));
	printf("fchownat to self: %d\n",
	       fchownat(AT_FDCWD, "owned", getuid(), getgid(), 0));
	printf("fchown bad descriptor: %s\n",
	       fchown(99, getuid(), getgid()) ? strerror(errno) : "ok");
	printf("chown missing: %s\n",
	       chown("missing", getuid(), getgid()) ? strerror(errno) : "ok");
	close(fd);
	return unlink("owned");
}
