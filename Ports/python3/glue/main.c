/*
 * The interpreter's main(), as Programs/python.c's Py_BytesMain but through a
 * PyConfig (the embedding API's documented way) so that getpath does not warn:
 * the standard library is /usr/lib/python311.zip, so /usr/lib/python3.11/os.py
 * (the prefix's landmark) and lib-dynload (extension modules are built in;
 * there is no dlopen) are rightly absent.
 */
#include "Python.h"

int main(int argc, char **argv)
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
