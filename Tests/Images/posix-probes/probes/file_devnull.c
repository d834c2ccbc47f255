#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	int null = open("/dev/null", O_RDWR);
	char buf[8] = {1, 1, 1, 1, 1, 1, 1, 1};
	ssize_t wrote = write(null, "abc", 3);
	ssize_t got = read(null, buf, 8);
	printf("null write %zd read %zd\n", wrote, got);
	close(null);
	int zero = open("/dev/zero", O_RDONLY);
	printf("zero read %zd", read(zero, buf, 8));
	for (int i = 0; i < 8; i++)
		printf(" %d", buf[i]);
	printf("\n");
	close(zero);
	int random = open("/dev/urandom", O_RDONLY);
	printf("urandom read %zd\n", read(random, buf, 8));
	return close(random);
}
