#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static void *square(void *arg)
{
	intptr_t n = (intptr_t)arg;
	return (void *)(n * n);
}

int main(void)
{
	pthread_t threads[8];
	for (intptr_t i = 0; i < 8; i++)
		pthread_create(&threads[i], NULL, square, (void *)i);
	long sum = 0;
	for (int i = 0; i < 8; i++) {
		void *result;
		pthread_join(threads[i], &result);
		sum += (intptr_t)result;
	}
	printf("sum of squares %ld\n", sum);
	return 0;
}
