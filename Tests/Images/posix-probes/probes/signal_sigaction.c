#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile int info_code, info_signo, value;

static void handler(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)context;
	info_signo = info->si_signo;
	info_code = info->si_code;
	value = info->si_value.sival_int;
}

int main(void)
{
	struct sigaction act, old;
	memset(&act, 0, sizeof act);
	act.sa_sigaction = handler;
	act.sa_flags = SA_SIGINFO;
	sigemptyset(&act.sa_mask);
	printf("sigaction %d\n", sigaction(SIGUSR2, &act, &old));
	printf("old default %d\n", old.sa_handler == SIG_DFL);
	raise(SIGUSR2);
	printf("signo %d code is SI_TKILL %d\n", info_signo == SIGUSR2,
	       info_code == SI_TKILL);
	sigaction(SIGUSR2, NULL, &old);
	printf("read back siginfo %d\n", (old.sa_flags & SA_SIGINFO) != 0);
	signal(SIGUSR2, SIG_DFL);
	return 0;
}
