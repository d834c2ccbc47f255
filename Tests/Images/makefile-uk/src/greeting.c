/* Boot-test fixture: a second source listed in Makefile.uk. */
#include "greeting.h"

const char *greeting(void)
{
	return "hello from " GREETING_TARGET;
}
