/* Boot-test fixture: prints text assembled from Makefile.uk's sources and
 * flags. */
#include <stdio.h>

#include "greeting.h"

int main(void)
{
	printf("%s\n", greeting());
	return 0;
}
