#include <stdatomic.h>
#include <stdio.h>
#include <threads.h>

static atomic_int total;
static mtx_t lock;
static int plain;

static int work(void *arg)
{
	for (int i = 0; i < 5000; i++) {
		atomic_fetch_add(&total, 1);
		mtx_lock(&lock);
		plain++;
		mtx_unlock(&lock);
	}
	return *(int *)arg;
}

int main(void)
{
	mtx_init(&lock, mtx_plain);
	thrd_t t[3];
	int ids[3] = {1, 2, 3}, sum = 0;
	for (int i = 0; i < 3; i++)
		thrd_create(&t[i], work, &ids[i]);
	for (int i = 0; i < 3; i++) {
		int r;
		thrd_join(t[i], &r);
		sum += r;
	}
	printf("atomic %d locked %d results %d\n", atomic_load(&total), plain,
	       sum);
	mtx_destroy(&lock);
	return 0;
}
