/* Runs the POSIX probes built into this image (see README.md).
 *
 * Without arguments it runs every probe that returns from main, one after
 * another; with arguments it runs the probes named. Each probe's output is
 * framed for the comparison:
 *
 *   === <name>
 *   <what the probe printed>
 *   --- exit <status>          (preceded by a newline of its own; absent when
 * the probe ended the program itself with exit() or abort())
 *
 * Each probe starts in an empty folder of its own, /probes/<name>, as the host
 * run starts in an empty temporary folder. Probes are compiled with
 * -Dmain=probe_<name>; a probe's main takes (void) or (int, char **), and
 * calling either through the two-argument type is what a C start-up does too.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PROBE(name)       int probe_##name(int, char **);
#define PROBE_ALONE(name) PROBE(name)
#include "probes.inc"
#undef PROBE
#undef PROBE_ALONE

struct probe {
	const char *name;
	int (*main)(int, char **);
	/* Ends the program itself (exit, abort): run only when named, in a boot
	 * of its own. */
	int alone;
};

static const struct probe probes[] = {
#define PROBE(name)       {#name, probe_##name, 0},
#define PROBE_ALONE(name) {#name, probe_##name, 1},
#include "probes.inc"
};

static int run(const struct probe *probe)
{
	char folder[128];
	snprintf(folder, sizeof folder, "/probes/%s", probe->name);
	mkdir("/probes", 0755);
	mkdir(folder, 0755);
	if (chdir(folder) != 0) {
		printf("runner: cannot enter %s\n", folder);
		return 1;
	}
	printf("=== %s\n", probe->name);
	fflush(stdout);
	char *argv[] = {(char *)probe->name, NULL};
	int status = probe->main(1, argv);
	fflush(NULL);
	printf("\n--- exit %d\n", status);
	fflush(stdout);
	chdir("/");
	return status;
}

int main(int argc, char **argv)
{
	/* What a Linux system has and tmpfile() needs (EEXIST when the guest
	 * has one). */
	mkdir("/tmp", 01777);
	size_t count = sizeof probes / sizeof probes[0];
	if (argc <= 1) {
		int failed = 0;
		for (size_t i = 0; i < count; i++)
			if (!probes[i].alone)
				failed += run(&probes[i]) != 0;
		printf("=== end\n");
		return failed != 0;
	}
	int status = 0;
	for (int a = 1; a < argc; a++) {
		size_t i = 0;
		while (i < count && strcmp(probes[i].name, argv[a]) != 0)
			i++;
		if (i == count) {
			printf("runner: no probe '%s'\n", argv[a]);
			return 2;
		}
		status = run(&probes[i]);
	}
	return status;
}
