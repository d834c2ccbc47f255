#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* POSIX record locks as one process sees them: its own locks never conflict,
 * F_GETLK finds nothing in the way, and the request is checked against how the
 * file was opened. */
static int lock(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type,
	                   .l_whence = SEEK_SET,
	                   .l_start = start,
	                   .l_len = len};
	return fcntl(fd, cmd, &fl) == 0 ? 0 : errno;
}

int main(void)
{
	int rw = open("db", O_CREAT | O_RDWR, 0644);
	write(rw, "0123456789", 10);
	printf("write lock: %d\n", lock(rw, F_SETLK, F_WRLCK, 0, 0));
	printf("read lock over it: %d\n", lock(rw, F_SETLK, F_RDLCK, 2, 4));
	printf("wait for a lock: %d\n", lock(rw, F_SETLKW, F_WRLCK, 100, 1));

	int ro = open("db", O_RDONLY);
	printf("read lock, second descriptor: %d\n",
	       lock(ro, F_SETLK, F_RDLCK, 0, 1));
	struct flock probe = {
	    .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	printf("getlk: %d, ", fcntl(ro, F_GETLK, &probe));
	printf("type %s\n", probe.l_type == F_UNLCK ? "F_UNLCK" : "locked");
	printf("write lock on read-only: %s\n",
	       strerror(lock(ro, F_SETLK, F_WRLCK, 0, 1)));
	int wo = open("db", O_WRONLY);
	printf("read lock on write-only: %s\n",
	       strerror(lock(wo, F_SETLK, F_RDLCK, 0, 1)));
	printf("bad type: %s\n", strerror(lock(rw, F_SETLK, 7, 0, 1)));
	struct flock bad = {.l_type = F_RDLCK, .l_whence = 9};
	printf("bad whence: %s\n",
	       fcntl(rw, F_SETLK, &bad) == 0 ? "ok" : strerror(errno));
	printf("unlock: %d\n", lock(rw, F_SETLK, F_UNLCK, 0, 0));
	close(wo);
	close(ro);
	close(rw);
	return unlink("db");
}
