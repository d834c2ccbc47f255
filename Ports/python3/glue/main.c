/*
 * The interpreter's main(), as Programs/python.c's Py_BytesMain but through a
 * PyConfig (the embedding API's documented way) so that getpath does not warn:
 * lib-dynload is rightly absent (extension modules are built in; there is no
 * dlopen). The standard library is /usr/lib/python3.11 as .pyc files only, and
 * os.pyc is a landmark getpath accepts for the prefix.
 *
 * The kernel's boot stack (32 KiB) is far smaller than the 8 MiB main stack
 * CPython expects of Linux (its path functions alone keep several 16 KiB
 * buffers on the stack), so the interpreter runs on a thread with such a stack,
 * and threads started from Python get 1 MiB (musl's 128 KiB default is known to
 * be too small for CPython).
 */
#define _GNU_SOURCE
#include "Python.h"

#include <pthread.h>
#include <stdio.h>

#define INTERPRETER_STACK (8u << 20)
#define THREAD_STACK      (1u << 20)

struct invocation {
	int argc;
	char **argv;
	int status;
};

static int run_interpreter(int argc, char **argv)
{
	PyConfig config;
	PyConfig_InitPythonConfig(&config);
	config.pathconfig_warnings = 0;
	PyStatus status = PyConfig_SetBytesArgv(&config, argc, argv);
	if (!PyStatus_Exception(status))
		status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(status)) {
		if (PyStatus_IsExit(status))
			return status.exitcode;
		Py_ExitStatusException(status);
	}
	return Py_RunMain();
}

static void *interpreter_thread(void *argument)
{
	struct invocation *invocation = argument;
	invocation->status =
	    run_interpreter(invocation->argc, invocation->argv);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t defaults, attributes;
	pthread_t thread;
	struct invocation invocation = {argc, argv, 1};
	if (pthread_attr_init(&defaults) == 0 &&
	    pthread_attr_setstacksize(&defaults, THREAD_STACK) == 0)
		pthread_setattr_default_np(&defaults);
	if (pthread_attr_init(&attributes) != 0 ||
	    pthread_attr_setstacksize(&attributes, INTERPRETER_STACK) != 0 ||
	    pthread_create(&thread, &attributes, interpreter_thread,
	                   &invocation) != 0 ||
	    pthread_join(thread, NULL) != 0) {
		fprintf(stderr,
		        "python: cannot start the interpreter's thread\n");
		return 1;
	}
	return invocation.status;
}
