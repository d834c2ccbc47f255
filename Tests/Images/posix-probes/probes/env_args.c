#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	printf("argc %d argv[argc] %s\n", argc,
	       argv[argc] == NULL ? "NULL" : "set");
	printf("argv0 nonempty %d\n", argv[0] != NULL && strlen(argv[0]) > 0);
	return 0;
}
