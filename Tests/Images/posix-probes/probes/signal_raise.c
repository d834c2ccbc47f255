#include <signal.h>
#include <stdio.h>

static volatile sig_atomic_t got;

static void handler(int sig)
{
	got = sig;
}

int main(void)
{
	signal(SIGUSR1, handler);
	printf("raise %d\n", raise(SIGUSR1));
	printf("got %d\n", got == SIGUSR1);
	signal(SIGUSR1, SIG_IGN);
	got = 0;
	raise(SIGUSR1);
	printf("ignored %d\n", got);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}
