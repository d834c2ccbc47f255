#include <stdio.h>
#include <sys/time.h>
#include <time.h>

int main(void)
{
	struct timeval tv;
	int rc = gettimeofday(&tv, NULL);
	printf("gettimeofday %d usec in range %d\n", rc,
	       tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	time_t now = time(NULL);
	printf("time agrees %d\n", now - tv.tv_sec >= 0 && now - tv.tv_sec < 5);
	return 0;
}
