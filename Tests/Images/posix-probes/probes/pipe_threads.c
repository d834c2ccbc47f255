#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];

/* 64 KiB through a pipe from another thread: more than the pipe holds at once.
 */
static void *writer(void *arg)
{
	(void)arg;
	char block[1024];
	for (int i = 0; i < 64; i++) {
		for (int j = 0; j < 1024; j++)
			block[j] = (char)(i + j);
		for (int done = 0; done < 1024;)
			done += write(fds[1], block + done, 1024 - done);
	}
	close(fds[1]);
	return NULL;
}

int main(void)
{
	pipe(fds);
	pthread_t t;
	pthread_create(&t, NULL, writer, NULL);
	long total = 0, sum = 0;
	char buf[700];
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum += (unsigned char)buf[i];
		total += n;
	}
	pthread_join(t, NULL);
	printf("received %ld checksum %ld\n", total, sum);
	return close(fds[0]);
}
