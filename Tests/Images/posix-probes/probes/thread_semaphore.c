#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

static sem_t items;
static int produced;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10; i++) {
		produced++;
		sem_post(&items);
	}
	return NULL;
}

int main(void)
{
	sem_init(&items, 0, 0);
	pthread_t t;
	pthread_create(&t, NULL, producer, NULL);
	for (int i = 0; i < 10; i++)
		sem_wait(&items);
	pthread_join(t, NULL);
	int value;
	sem_getvalue(&items, &value);
	printf("produced %d left %d\n", produced, value);
	{
		long rc = sem_trywait(&items);
		printf("trywait %ld %s\n", rc, strerror(errno));
	}
	return sem_destroy(&items);
}
