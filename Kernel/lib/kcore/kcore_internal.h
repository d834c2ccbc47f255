/* Between kcore's own files. */
#ifndef KCORE_INTERNAL_H
#define KCORE_INTERNAL_H

/* Splits the boot command line (in place) into kernel args and argv. */
void kcore_cmdline_parse(char *cmdline);

struct kinit_main;
/* Runs the init table (kraft/kinit.h); kcore_start calls it once. */
void kinit_run_all(void);
/* The registered runner of main with the lowest level, or NULL. */
const struct kinit_main *kinit_main_runner(void);

#endif /* KCORE_INTERNAL_H */
