#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static int inits;
static int destroyed;

static void destroy(void *value)
{
	destroyed += (int)(intptr_t)value;
}
static void init(void)
{
	inits++;
	pthread_key_create(&key, destroy);
}

static void *work(void *arg)
{
	pthread_once(&once, init);
	pthread_setspecific(key, arg);
	return (void *)(intptr_t)(pthread_getspecific(key) == arg);
}

int main(void)
{
	pthread_t t[4];
	for (intptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, (void *)(i + 1));
	long ok = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		ok += (intptr_t)r;
	}
	printf("inits %d own values %ld destructors sum %d\n", inits, ok,
	       destroyed);
	printf("main sees %p\n", pthread_getspecific(key));
	return 0;
}
