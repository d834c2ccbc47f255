/* <pthread.h>: threads, mutexes, condition variables, TLS, once, keys. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include "check.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int shared, ready;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static sem_t sem;

static void *adder(void *arg)
{
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&lock);
		shared++;
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

static void *signaller(void *arg)
{
	pthread_mutex_lock(&lock);
	ready = 1;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	return 0;
}

static void *tls_thread(void *arg)
{
	errno = 1234; /* errno lives in the thread's own descriptor */
	return (void *)(long)(errno + (pthread_self() != *(pthread_t *)arg));
}

/* The application's own thread-local storage: initialised and zeroed parts. */
static __thread int tls_initialised = 42;
static __thread char tls_zeroed[100];

static void *tls_own_copy(void *arg)
{
	int fresh = tls_initialised == 42 && tls_zeroed[99] == 0;
	tls_initialised = 7;
	tls_zeroed[99] = 1;
	return (void *)(long)fresh;
}

static void count_once(void)
{
	once_runs++;
}

static void *poster(void *arg)
{
	sem_post(&sem);
	return 0;
}

void run_pthread(void)
{
	pthread_t t[4];
	void *ret;
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], 0, adder, (void *)i);
	int joined = 1;
	for (long i = 0; i < 4; i++)
		joined &= pthread_join(t[i], &ret) == 0 && ret == (void *)i;
	CHECK("pthread_create/join return values", joined);
	CHECK("mutex counts exactly", shared == 4000);
	pthread_t s;
	pthread_mutex_lock(&lock);
	pthread_create(&s, 0, signaller, 0);
	while (!ready)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	pthread_join(s, 0);
	CHECK("cond_wait woken", ready == 1);
	errno = 0;
	pthread_create(&s, 0, tls_thread, &s);
	pthread_join(s, &ret);
	CHECK("errno and pthread_self per thread",
	      (long)ret == 1234 && errno == 0);
	CHECK("__thread initial values", tls_initialised == 42 &&
	                                     tls_zeroed[0] == 0 &&
	                                     tls_zeroed[99] == 0);
	tls_initialised = 9;
	pthread_create(&s, 0, tls_own_copy, 0);
	pthread_join(s, &ret);
	CHECK("__thread copy per thread",
	      (long)ret == 1 && tls_initialised == 9 && tls_zeroed[99] == 0);
	pthread_once(&once, count_once);
	pthread_once(&once, count_once);
	CHECK("pthread_once", once_runs == 1);
	CHECK("trylock busy", pthread_mutex_lock(&lock) == 0 &&
	                          pthread_mutex_trylock(&lock) == EBUSY &&
	                          pthread_mutex_unlock(&lock) == 0);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 10000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	int timed = pthread_cond_timedwait(&cond, &lock, &deadline);
	pthread_mutex_unlock(&lock);
	CHECK("cond_timedwait times out", timed == ETIMEDOUT);
	pthread_key_t key;
	CHECK("pthread key", pthread_key_create(&key, 0) == 0 &&
	                         pthread_setspecific(key, &key) == 0 &&
	                         pthread_getspecific(key) == &key);
	CHECK("pthread_self equal",
	      pthread_equal(pthread_self(), pthread_self()));
	sem_init(&sem, 0, 0);
	pthread_create(&s, 0, poster, 0);
	CHECK("sem_wait", sem_wait(&sem) == 0);
	pthread_join(s, 0);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	CHECK("detached thread", pthread_create(&s, &attr, adder, 0) == 0);
	sched_yield();
	struct timespec nap = {0, 5000000};
	nanosleep(&nap, 0);
	CHECK("detached thread ran", shared == 5000);
}
