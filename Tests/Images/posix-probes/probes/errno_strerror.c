#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	int codes[] = {0,      EPERM,  ENOENT, EINTR,  EIO,     EBADF,
	               EAGAIN, ENOMEM, EACCES, EEXIST, ENOTDIR, EISDIR,
	               EINVAL, ENOSPC, EPIPE,  ERANGE, ENOSYS,  ETIMEDOUT};
	for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
		printf("%d %s\n", codes[i], strerror(codes[i]));
	char buf[64];
	strerror_r(ENOENT, buf, sizeof buf);
	printf("strerror_r %s\n", buf);
	return 0;
}
