/*
 * PL011 console. The address comes from the device tree's first
 * "arm,pl011" node (QEMU virt lists the console UART first), else
 * CONFIG_UART_PL011_FALLBACK_BASE, so that even a boot with a broken tree
 * can say why it stops. The UART is used as the firmware left it (QEMU needs
 * no baud rate); only the UART, transmit and receive are switched on and its
 * interrupts masked: input is polled. Bytes go out unchanged, like COM1.
 */
#include <kraft/fdt.h>
#include <kraft/plat.h>

#ifndef CONFIG_UART_PL011_FALLBACK_BASE
#define CONFIG_UART_PL011_FALLBACK_BASE 0x09000000
#endif

#define UARTDR    0x00
#define UARTFR    0x18
#define UARTCR    0x30
#define UARTIMSC  0x38
#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE    (1u << 8)
#define CR_RXE    (1u << 9)

static uintptr_t uart_base = CONFIG_UART_PL011_FALLBACK_BASE;

static uint32_t reg_read(unsigned off)
{
	return *(volatile uint32_t *)(uart_base + off);
}

static void reg_write(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(uart_base + off) = v;
}

void plat_console_init(void)
{
	uint64_t base, size;
	int node = fdt_find_compatible(-1, "arm,pl011");

	if (node >= 0 && fdt_reg(node, 0, &base, &size))
		uart_base = (uintptr_t)base;
	reg_write(UARTIMSC, 0);
	reg_write(UARTCR, reg_read(UARTCR) | CR_UARTEN | CR_TXE | CR_RXE);
}

void plat_console_putc(char c)
{
	/* Bounded: a wedged UART must not hang a crash report forever. */
	for (int spins = 0; spins < 100000; spins++)
		if (!(reg_read(UARTFR) & FR_TXFF))
			break;
	reg_write(UARTDR, (uint8_t)c);
}

int plat_console_getc(void)
{
	if (reg_read(UARTFR) & FR_RXFE)
		return -1;
	return (int)(reg_read(UARTDR) & 0xff);
}
