#include <signal.h>
#include <stdio.h>

static volatile int count;
static void handler(int sig)
{
	(void)sig;
	count++;
}

int main(void)
{
	signal(SIGUSR1, handler);
	sigset_t block, old, pending;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	raise(SIGUSR1);
	raise(SIGUSR1);
	sigpending(&pending);
	printf("while blocked count %d pending %d\n", count,
	       sigismember(&pending, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("after unblock count %d\n", count);
	sigpending(&pending);
	printf("pending now %d\n", sigismember(&pending, SIGUSR1));
	signal(SIGUSR1, SIG_DFL);
	return 0;
}
