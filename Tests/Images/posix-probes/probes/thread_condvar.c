#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn, rounds;

/* Two threads take turns strictly through one condition variable. */
static void *player(void *arg)
{
	int me = *(int *)arg;
	for (int i = 0; i < 50; i++) {
		pthread_mutex_lock(&lock);
		while (turn != me)
			pthread_cond_wait(&changed, &lock);
		rounds++;
		turn = 1 - me;
		pthread_cond_broadcast(&changed);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

int main(void)
{
	int ids[2] = {0, 1};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, player, &ids[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("rounds %d turn %d\n", rounds, turn);
	return 0;
}
