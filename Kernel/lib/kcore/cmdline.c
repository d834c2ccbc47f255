/*
 * The command line contract (kraft/abi.h): "kernel-args -- app-args", and
 * without "--" every word belongs to the application. Words are split in
 * place (the boot info's copy lives for the whole run) by ksplit_words:
 * blanks separate, double quotes group blanks into a word. Kernel arguments are
 * key=value pairs read by kcore_param; argv[0] is CONFIG_KCORE_APP_NAME.
 * Monitors append their device list to the end of the line, after any
 * "--" (QEMU microvm and Firecracker add virtio_mmio.device=... words, as
 * for Linux): such words are kernel arguments wherever they stand, so the
 * application never sees them.
 */
#include <stdbool.h>
#include <kraft/abi.h>
#include <kraft/alloc.h>
#include <kraft/kcore.h>
#include <kraft/kstring.h>
#include "kcore_internal.h"

#ifndef CONFIG_KCORE_APP_NAME
#define CONFIG_KCORE_APP_NAME "app"
#endif

#define MAX_KERNEL_ARGS 32
/* Words of a short command line (every boot with few arguments) need no
 * allocation: at boot, the allocator's first allocation is code run once
 * that under QEMU's TCG costs its translation (~150 instructions). */
#define STATIC_WORDS 64

/* Kernel arguments a monitor appends; see the comment at the top. */
static const char *const monitor_prefixes[] = {"virtio_mmio.device="};

static bool is_monitor_word(const char *word)
{
	for (unsigned i = 0;
	     i < sizeof(monitor_prefixes) / sizeof(monitor_prefixes[0]); i++)
		if (!kstrncmp(word, monitor_prefixes[i],
		              kstrlen(monitor_prefixes[i])))
			return true;
	return false;
}

static char *kernel_args[MAX_KERNEL_ARGS];
static int nkernel_args;
static char **app_argv;
static int app_argc;
static char *static_words[STATIC_WORDS];

void kcore_cmdline_parse(char *cmdline)
{
	/* Words never outnumber half the characters, plus one. */
	int max = (int)kstrlen(cmdline) / 2 + 2;
	char **words = max + 2 <= STATIC_WORDS
	                   ? static_words
	                   : kmalloc(sizeof(char *) * (size_t)(max + 2));
	if (!words)
		kpanic("out of memory splitting the command line");
	int n = ksplit_words(cmdline, words + 1, max);
	int kept = 0;
	for (int i = 1; i <= n; i++) {
		if (is_monitor_word(words[i])) {
			if (nkernel_args < MAX_KERNEL_ARGS)
				kernel_args[nkernel_args++] = words[i];
			continue;
		}
		words[++kept] = words[i];
	}
	n = kept;

	int sep = -1;
	for (int i = 1; i <= n; i++)
		if (!kstrcmp(words[i], KRAFT_CMDLINE_SEPARATOR)) {
			sep = i;
			break;
		}
	if (sep > 0) {
		for (int i = 1; i < sep && nkernel_args < MAX_KERNEL_ARGS; i++)
			kernel_args[nkernel_args++] = words[i];
		/* argv[0] goes just before the first app word. */
		app_argv = words + sep;
		app_argc = n - sep + 1;
	} else {
		app_argv = words;
		app_argc = n + 1;
	}
	app_argv[0] = CONFIG_KCORE_APP_NAME;
	app_argv[app_argc] = 0;
}

const char *kcore_param(const char *key)
{
	size_t len = kstrlen(key);

	for (int i = 0; i < nkernel_args; i++)
		if (!kstrncmp(kernel_args[i], key, len) &&
		    kernel_args[i][len] == '=')
			return kernel_args[i] + len + 1;
	return 0;
}

const char *kcore_kernel_arg(int i)
{
	return i >= 0 && i < nkernel_args ? kernel_args[i] : 0;
}

int kcore_argc(void)
{
	return app_argc;
}

char **kcore_argv(void)
{
	return app_argv;
}
