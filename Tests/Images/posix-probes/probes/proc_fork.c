/* probe: enosys "fork failed: Function not implemented" */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A unikernel has one process: fork fails with ENOSYS there (docs/libc.md). */
int main(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	if (pid < 0) {
		printf("fork failed: %s\n", strerror(errno));
		return 0;
	}
	int status;
	waitpid(pid, &status, 0);
	printf("child exited %d\n", WEXITSTATUS(status));
	return 0;
}
