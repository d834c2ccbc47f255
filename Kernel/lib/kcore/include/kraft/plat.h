/*
 * What every platform library (Kernel/plat/<platform>) provides: how the VM
 * ends and where the console is. Exit values follow kraft/abi.h.
 */
#ifndef KRAFT_PLAT_H
#define KRAFT_PLAT_H

#include <stdint.h>

/* Ends the VM reporting v (1..127, see KRAFT_EXIT_V_* in kraft/abi.h). */
__attribute__((noreturn)) void plat_exit(uint8_t v);

/* Console device: blocking byte output; input returns -1 when none waits. */
void plat_console_init(void);
void plat_console_putc(char c);
int plat_console_getc(void);

#endif /* KRAFT_PLAT_H */
