/*
 * The in-kernel test image: with the ktest library enabled the tests run
 * after boot and their result is the VM's exit status, so main only runs
 * when ktest was left out, which is itself a failure.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	puts("ktest is not enabled in this image");
	return 1;
}
