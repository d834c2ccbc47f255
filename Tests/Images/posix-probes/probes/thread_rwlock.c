#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static int value;

static void *reader(void *arg)
{
	long seen = 0;
	for (int i = 0; i < 1000; i++) {
		pthread_rwlock_rdlock(&lock);
		seen += value >= 0;
		pthread_rwlock_unlock(&lock);
	}
	*(long *)arg = seen;
	return NULL;
}

int main(void)
{
	pthread_t t[3];
	long seen[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, reader, &seen[i]);
	for (int i = 0; i < 100; i++) {
		pthread_rwlock_wrlock(&lock);
		value++;
		pthread_rwlock_unlock(&lock);
	}
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("value %d reads %ld %ld %ld\n", value, seen[0], seen[1],
	       seen[2]);
	pthread_rwlock_rdlock(&lock);
	int second = pthread_rwlock_tryrdlock(&lock);
	int writer = pthread_rwlock_trywrlock(&lock) != 0;
	printf("second reader %d writer blocked %d\n", second, writer);
	pthread_rwlock_unlock(&lock);
	return pthread_rwlock_unlock(&lock);
}
