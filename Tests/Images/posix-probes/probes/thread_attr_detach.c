#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static sem_t done;

static void *detached(void *arg)
{
	(void)arg;
	sem_post(&done);
	return NULL;
}

static void *stacked(void *arg)
{
	char big[200 * 1024];
	for (unsigned i = 0; i < sizeof big; i += 4096)
		big[i] = (char)i;
	*(int *)arg = big[4096];
	return NULL;
}

int main(void)
{
	sem_init(&done, 0, 0);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	printf("detached create %d\n",
	       pthread_create(&t, &attr, detached, NULL));
	sem_wait(&done);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_JOINABLE);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	size_t size;
	pthread_attr_getstacksize(&attr, &size);
	printf("stack size %zu\n", size);
	int out = -1;
	pthread_create(&t, &attr, stacked, &out);
	pthread_join(t, NULL);
	printf("deep stack %d\n", out);
	pthread_attr_destroy(&attr);
	printf("self equal %d\n",
	       pthread_equal(pthread_self(), pthread_self()));
	return 0;
}
