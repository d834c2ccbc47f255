#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static volatile int hits;
static void handler(int sig)
{
	(void)sig;
	hits++;
}

static void *work(void *arg)
{
	(void)arg;
	sigset_t set, current;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_sigmask(SIG_BLOCK, NULL, &current);
	return (void *)(long)sigismember(&current, SIGUSR1);
}

int main(void)
{
	signal(SIGUSR1, handler);
	pthread_t t;
	void *blocked;
	pthread_create(&t, NULL, work, NULL);
	pthread_join(t, &blocked);
	sigset_t mine;
	pthread_sigmask(SIG_BLOCK, NULL, &mine);
	printf("thread blocked %ld main blocked %d\n", (long)blocked,
	       sigismember(&mine, SIGUSR1));
	pthread_kill(pthread_self(), SIGUSR1);
	printf("hits %d\n", hits);
	signal(SIGUSR1, SIG_DFL);
	return 0;
}
