/* probe: enosys "execve failed: Function not implemented" */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Executing another program needs a second process image: ENOSYS in a
 * unikernel. */
int main(void)
{
	char *argv[] = {"true", NULL};
	char *envp[] = {NULL};
	execve("/nonexistent/true", argv, envp);
	printf("execve failed: %s\n", strerror(errno));
	return 0;
}
