#include <signal.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	sigset_t set;
	sigemptyset(&set);
	printf("empty has INT %d\n", sigismember(&set, SIGINT));
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	printf("INT %d TERM %d HUP %d\n", sigismember(&set, SIGINT),
	       sigismember(&set, SIGTERM), sigismember(&set, SIGHUP));
	sigdelset(&set, SIGINT);
	printf("after del INT %d\n", sigismember(&set, SIGINT));
	sigfillset(&set);
	printf("full has USR2 %d\n", sigismember(&set, SIGUSR2));
	printf("bad %d\n", sigaddset(&set, 0) == -1);
	printf("names %s / %s\n", strsignal(SIGINT), strsignal(SIGSEGV));
	return 0;
}
