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
 *
 * main runs on the boot stack (32 KiB) unless CONFIG_MUSL_MAIN_STACK_KIB
 * asks for a stack of its own, with a guard page below it: programs written
 * for Linux's 8 MiB main stack (Redis's LZF compressor keeps a table of
 * 65,536 pointers, 512 KiB, on it) need one. Its pages are taken at
 * start-up, so it counts against -m.
 */
#include <kraft/alloc.h>
#include <kraft/arch.h>
#include <kraft/kcore.h>
#include <kraft/kinit.h>
#include <kraft/posix_process.h>
#include <kraft/posix_thread.h>

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

#ifndef CONFIG_MUSL_MAIN_STACK_KIB
#define CONFIG_MUSL_MAIN_STACK_KIB 0
#endif

static int run_main(void *main)
{
	/* argc/argv are kcore's, the same words the vector holds. */
	int (*main3)(int, char **, char **) =
	    (int (*)(int, char **, char **))main;
	return main3(app_argc, app_argv, app_envp);
}

static int musl_start(int argc, char **argv, int (*main)(int, char **))
{
	size_t pages =
	    (size_t)CONFIG_MUSL_MAIN_STACK_KIB * 1024 / ARCH_PAGE_SIZE;
	if (pages == 0)
		exit(run_main((void *)main));
	/* One more page: the lowest is the guard. */
	char *stack = kpage_alloc_run(pages + 1);
	if (!stack || arch_guard_page_set(stack))
		kpanic("no memory for main's %d KiB stack "
		       "(CONFIG_MUSL_MAIN_STACK_KIB)",
		       CONFIG_MUSL_MAIN_STACK_KIB);
	exit(kthread_arch_run_on_stack(run_main, (void *)main,
	                               stack + (pages + 1) * ARCH_PAGE_SIZE));
}
KINIT_MAIN_REGISTER(musl_start, KINIT_MAIN_LEVEL_LIBC);
