#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
	printf("pid positive %d ppid nonnegative %d\n", getpid() > 0,
	       getppid() >= 0);
	printf("ids consistent %d %d\n", getuid() == geteuid(),
	       getgid() == getegid());
	struct utsname u;
	int named = uname(&u);
	printf("uname %d sysname nonempty %d\n", named, u.sysname[0] != 0);
	printf("pagesize %ld\n", sysconf(_SC_PAGESIZE));
	printf("clock ticks %ld\n", sysconf(_SC_CLK_TCK));
	return 0;
}
