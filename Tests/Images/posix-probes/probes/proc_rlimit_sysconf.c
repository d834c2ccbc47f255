#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	struct rlimit lim;
	printf("getrlimit %d\n", getrlimit(RLIMIT_NOFILE, &lim));
	printf("soft <= hard %d\n", lim.rlim_cur <= lim.rlim_max);
	printf("open max positive %d\n", sysconf(_SC_OPEN_MAX) > 0);
	mode_t old = umask(027);
	printf("umask %o\n", umask(old));
	return 0;
}
