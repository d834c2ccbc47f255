#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

/* errno is per thread. */
static void *fail(void *arg)
{
	(void)arg;
	close(-1);
	return (void *)(long)errno;
}

int main(void)
{
	errno = 0;
	pthread_t t;
	void *theirs;
	pthread_create(&t, NULL, fail, NULL);
	pthread_join(t, &theirs);
	printf("thread EBADF %d main still 0 %d\n", (long)theirs == EBADF,
	       errno == 0);
	return 0;
}
