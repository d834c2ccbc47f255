/*
 * Xen console. Under Xen, bytes go out through the console_io hypercall,
 * a line at a time (a hypercall per byte would be slow): that is the
 * hypervisor's console, which `xl dmesg` shows (a domU's writes reach it
 * when Xen's guest_loglvl allows). Without Xen (an HVM-style boot, or QEMU
 * booting the same PVH image) the console is COM1, written directly, as the
 * HVM serial port Xen emulates for HVM guests. Input is COM1 only.
 */
#include <kraft/plat.h>
#include <x86/cpu.h>
#include "xen.h"

#define COM1      0x3f8
#define UART_DATA 0
#define UART_LSR  5
#define LSR_DATA  0x01
#define LSR_THRE  0x20
#define LINE_MAX  128

static char line[LINE_MAX];
static unsigned line_len;

static void flush_line(void)
{
	if (line_len)
		xen_hypercall3(XEN_HYPERCALL_CONSOLE_IO, XEN_CONSOLEIO_WRITE,
		               line_len, (uintptr_t)line);
	line_len = 0;
}

void plat_console_init(void)
{
	xen_detect();
}

void plat_console_putc(char c)
{
	if (xen_present()) {
		line[line_len++] = c;
		if (c == '\n' || line_len == LINE_MAX)
			flush_line();
		return;
	}
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

int plat_console_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA))
		return -1;
	return inb(COM1 + UART_DATA);
}

/* For exit.c: the last partial line must not be lost. */
void xen_console_flush(void)
{
	if (xen_present())
		flush_line();
}
