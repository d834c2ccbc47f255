#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("fileno %d %d %d\n", fileno(stdin), fileno(stdout),
	       fileno(stderr));
	printf("write to stdout %zd\n", write(STDOUT_FILENO, "raw\n", 4));
	return 0;
}
