/*
 * How a musl program starts under kraft. Linux would enter _start with
 * argc/argv/envp/auxv on the stack and crt1 would call __libc_start_main;
 * here the kernel boots first, so the two halves of __libc_start_main are
 * split:
 *  - __init_libc (environment, auxv, TLS, stack protector) runs as the
 *    first constructor, so that constructors of the application already
 *    see a working libc (errno, stdio, malloc);
 *  - musl_start, registered as the runner of main (kraft/kinit.h), runs
 *    main and passes its status to exit(), which runs atexit handlers
 *    and flushes stdio before exit_group ends the VM.
 * musl's own __libc_start_init is skipped: kcore already ran .init_array.
 */
#include <kraft/kcore.h>
#include <kraft/kinit.h>
#include <kraft/posix_process.h>

__attribute__((visibility("hidden"))) void __init_libc(char **envp, char *pn);
__attribute__((noreturn)) void exit(int status);

static int app_argc;
static char **app_argv, **app_envp;

__attribute__((constructor(101))) static void musl_init(void)
{
	long *vector = kposix_start_vector(kcore_argc(), kcore_argv());
	app_argc = (int)vector[0];
	app_argv = (char **)(vector + 1);
	app_envp = app_argv + app_argc + 1;
	__init_libc(app_envp, app_argv[0]);
}

static int musl_start(int argc, char **argv, int (*main)(int, char **))
{
	/* argc/argv are kcore's, the same words the vector holds. */
	int (*main3)(int, char **, char **) =
	    (int (*)(int, char **, char **))main;
	exit(main3(app_argc, app_argv, app_envp));
}
KINIT_MAIN_REGISTER(musl_start, KINIT_MAIN_LEVEL_LIBC);
