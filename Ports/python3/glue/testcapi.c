/* Modules/_testcapimodule.c, CPython's C-API test module (test_sqlite3 and
 * other regression modules import it). It tests the public C API only and
 * refuses to compile with Py_BUILD_CORE, which the port's flags set for
 * everything else: upstream's Makefile builds it without, as a shared module;
 * here it is built in, registered in Modules/config.c through Setup.local like
 * the other modules. */
#undef Py_BUILD_CORE
#include "Modules/_testcapimodule.c"
