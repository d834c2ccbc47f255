#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int hits;
static void handler(int sig)
{
	hits += sig == SIGUSR1;
}

int main(void)
{
	signal(SIGUSR1, handler);
	int sent = kill(getpid(), SIGUSR1);
	printf("kill self %d hits %d\n", sent, hits);
	printf("signal 0 %d\n", kill(getpid(), 0));
	{
		long rc = kill(getpid(), 1000);
		printf("bad signal %ld %s\n", rc, strerror(errno));
	}
	signal(SIGUSR1, SIG_DFL);
	return 0;
}
