/* Between kcore's own files. */
#ifndef KCORE_INTERNAL_H
#define KCORE_INTERNAL_H

/* Splits the boot command line (in place) into kernel args and argv. */
void kcore_cmdline_parse(char *cmdline);

#endif /* KCORE_INTERNAL_H */
