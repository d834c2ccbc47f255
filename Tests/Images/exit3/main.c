/* Boot-test fixture: kraft run must exit with this application's status. */
#include <stdio.h>

int main(void)
{
	printf("exiting with 3\n");
	return 3;
}
