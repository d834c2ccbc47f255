#include <pthread.h>
#include <stdio.h>

static __thread int counter = 100;
static _Thread_local char name[16] = "main";

static void *work(void *arg)
{
	counter += *(int *)arg;
	snprintf(name, sizeof name, "worker%d", *(int *)arg);
	static char result[32];
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&lock);
	snprintf(result, sizeof result, "%s", name);
	pthread_mutex_unlock(&lock);
	return (void *)(long)counter;
}

int main(void)
{
	int a = 1, b = 2;
	pthread_t t1, t2;
	void *r1, *r2;
	pthread_create(&t1, NULL, work, &a);
	pthread_join(t1, &r1);
	pthread_create(&t2, NULL, work, &b);
	pthread_join(t2, &r2);
	printf("threads %ld %ld main %d %s\n", (long)r1, (long)r2, counter,
	       name);
	return 0;
}
