/* The guest addresses a plugin counts: `range=LO-HI` arguments ([LO, HI),
 * repeatable, up to MAX_RANGES); with none, every address. Header-only: each
 * plugin is one file built alone. */
#ifndef KRAFT_BENCH_ADDRESS_RANGES_H
#define KRAFT_BENCH_ADDRESS_RANGES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RANGES 8
static uint64_t range_lo[MAX_RANGES], range_hi[MAX_RANGES];
static int ranges;

static int counted(uint64_t vaddr)
{
	for (int i = 0; i < ranges; i++)
		if (vaddr >= range_lo[i] && vaddr < range_hi[i])
			return 1;
	return ranges == 0;
}

/* 1: argument was a range and is kept; 0: not a range argument (or no room for
 * another); -1: a malformed range, said on stderr under the plugin's name. */
static int take_range_argument(const char *plugin, const char *argument)
{
	if (strncmp(argument, "range=", 6) != 0 || ranges == MAX_RANGES)
		return 0;
	char *end;
	range_lo[ranges] = strtoull(argument + 6, &end, 0);
	if (*end != '-') {
		fprintf(stderr, "%s: a range is LO-HI, not '%s'\n", plugin,
		        argument + 6);
		return -1;
	}
	range_hi[ranges++] = strtoull(end + 1, NULL, 0);
	return 1;
}

#endif
