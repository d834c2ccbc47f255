#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t barrier;
static pthread_spinlock_t spin;
static int before, after_ok;

static void *work(void *arg)
{
	(void)arg;
	pthread_spin_lock(&spin);
	before++;
	pthread_spin_unlock(&spin);
	pthread_barrier_wait(&barrier);
	pthread_spin_lock(&spin);
	after_ok += before == 4;
	pthread_spin_unlock(&spin);
	return NULL;
}

int main(void)
{
	pthread_barrier_init(&barrier, NULL, 4);
	pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("all arrived before any left: %d of 4\n", after_ok);
	pthread_barrier_destroy(&barrier);
	return pthread_spin_destroy(&spin);
}
