/*
 * COM1 console: a 16550 UART at I/O port 0x3f8, polled. Output waits for the
 * transmit holding register to empty; under QEMU it always is, so a byte
 * costs two port accesses. Input is polled too and returns -1 when nothing
 * waits; interrupt-driven input can come with a driver model. Bytes go out
 * unchanged (no CR before LF): the host contract passes application output
 * through as written, and `kraft run` owns the terminal.
 */
#include <kraft/plat.h>
#include <x86/cpu.h>

#define COM1      0x3f8
#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_DATA  0x01
#define LSR_THRE  0x20

#ifndef CONFIG_UART_16550_BAUD
#define CONFIG_UART_16550_BAUD 115200
#endif

void plat_console_init(void)
{
	unsigned divisor = 115200 / CONFIG_UART_16550_BAUD;

	outb(COM1 + UART_IER, 0x00); /* no interrupts */
	outb(COM1 + UART_LCR, 0x80); /* divisor latch */
	outb(COM1 + UART_DATA, divisor & 0xff);
	outb(COM1 + UART_IER, divisor >> 8);
	outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	outb(COM1 + UART_FCR, 0x07); /* FIFOs on, cleared */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
}

static void put_byte(char c)
{
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_DATA, (uint8_t)c);
}

void plat_console_putc(char c)
{
	put_byte(c);
}

int plat_console_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA))
		return -1;
	return inb(COM1 + UART_DATA);
}
