/*
 * pthread workers: 8 threads each add to a shared counter 10000 times under
 * a mutex (the total must be exact), then a producer hands 100 items to a
 * consumer through a condition variable. Exercises clone, futex wait/wake
 * and TLS (each thread checks its own errno and pthread_self).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#define WORKERS 8
#define ROUNDS  10000
#define ITEMS   100

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_changed = PTHREAD_COND_INITIALIZER;
static int queue[ITEMS], queued, taken;

static void *worker(void *arg)
{
	long id = (long)arg;
	errno = (int)id; /* errno is per thread (TLS) */
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (i % 1000 == 0)
			sched_yield();
	}
	return errno == id ? (void *)pthread_self() : 0;
}

static void *consumer(void *arg)
{
	long sum = 0;
	pthread_mutex_lock(&queue_lock);
	while (taken < ITEMS) {
		while (taken == queued)
			pthread_cond_wait(&queue_changed, &queue_lock);
		sum += queue[taken++];
	}
	pthread_mutex_unlock(&queue_lock);
	return (void *)sum;
}

int main(void)
{
	pthread_t threads[WORKERS], cons;
	for (long i = 0; i < WORKERS; i++)
		if (pthread_create(&threads[i], 0, worker, (void *)i)) {
			puts("pthread_create failed");
			return 1;
		}
	for (int i = 0; i < WORKERS; i++) {
		void *ret;
		pthread_join(threads[i], &ret);
		if (ret != (void *)threads[i]) {
			printf("worker %d saw another thread's TLS\n", i);
			return 1;
		}
	}
	printf("counter = %ld (want %d)\n", counter, WORKERS * ROUNDS);

	pthread_create(&cons, 0, consumer, 0);
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&queue_lock);
		queue[queued++] = i;
		pthread_cond_signal(&queue_changed);
		pthread_mutex_unlock(&queue_lock);
	}
	void *sum;
	pthread_join(cons, &sum);
	printf("consumer sum = %ld (want %d)\n", (long)sum,
	       ITEMS * (ITEMS + 1) / 2);
	if (counter != WORKERS * ROUNDS || (long)sum != ITEMS * (ITEMS + 1) / 2)
		return 1;
	puts("pthread: ok");
	return 0;
}
