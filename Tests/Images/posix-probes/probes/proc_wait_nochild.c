#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* With no child processes, waiting fails with ECHILD. */
int main(void)
{
	int status;
	{
		long rc = wait(&status);
		printf("wait %ld %s\n", rc, strerror(errno));
	}
	{
		long rc = waitpid(-1, &status, WNOHANG);
		printf("waitpid %ld %s\n", rc, strerror(errno));
	}
	return 0;
}
