#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int main(void)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += 30 * 1000 * 1000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&lock);
	int rc = pthread_cond_timedwait(&cond, &lock, &deadline);
	pthread_mutex_unlock(&lock);
	printf("timedwait %s\n", strerror(rc));
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	printf("deadline passed %d\n", now.tv_sec > deadline.tv_sec ||
	                                   (now.tv_sec == deadline.tv_sec &&
	                                    now.tv_nsec >= deadline.tv_nsec));
	return 0;
}
