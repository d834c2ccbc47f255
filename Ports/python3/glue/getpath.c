/*
 * CPython's search-path calculation (Modules/getpath.c), with the values its
 * Makefile passes on the command line for this file alone: the interpreter
 * lives under /usr, its standard library is /usr/lib/python311.zip (the port's
 * root file system contribution).
 */
#define PREFIX          "/usr"
#define EXEC_PREFIX     "/usr"
#define VERSION         "3.11"
#define VPATH           ""
#define PLATLIBDIR      "lib"
#define PYTHONFRAMEWORK ""
#include "Modules/getpath.c"
