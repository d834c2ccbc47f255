#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
	printf("mkdir %d\n", mkdir("d", 0755));
	{
		long rc = mkdir("d", 0755);
		printf("again %ld %s\n", rc, strerror(errno));
	}
	printf("nested %d\n", mkdir("d/e", 0755));
	{
		long rc = mkdir("x/y", 0755);
		printf("no parent %ld %s\n", rc, strerror(errno));
	}
	{
		long rc = rmdir("d");
		printf("rmdir full %ld %s\n", rc, strerror(errno));
	}
	int inner = rmdir("d/e");
	int outer = rmdir("d");
	printf("rmdir e %d d %d\n", inner, outer);
	{
		long rc = rmdir("d");
		printf("rmdir gone %ld %s\n", rc, strerror(errno));
	}
	return 0;
}
