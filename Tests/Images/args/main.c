/* Boot-test fixture: echoes argv[1..] one per line, exits with their count. */
#include <stdio.h>

int main(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++)
		printf("arg %d: %s\n", i, argv[i]);
	return argc - 1;
}
