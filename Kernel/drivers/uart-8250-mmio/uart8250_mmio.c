/*
 * The 8250/16550 UART that Firecracker gives arm64 guests: the same
 * registers as COM1, but memory-mapped, one byte apart unless the device
 * tree's "reg-shift" says otherwise. Found through the first "ns16550a" (or
 * "ns16550") node; polled like the other consoles. The line is left as the
 * VMM set it up: a virtual UART ignores the baud rate.
 */
#include <kraft/fdt.h>
#include <kraft/plat.h>

#ifndef CONFIG_UART_8250_MMIO_FALLBACK_BASE
#define CONFIG_UART_8250_MMIO_FALLBACK_BASE 0x40002000
#endif

#define UART_DATA 0
#define UART_IER  1
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_DATA  0x01
#define LSR_THRE  0x20

static uintptr_t uart_base = CONFIG_UART_8250_MMIO_FALLBACK_BASE;
static unsigned reg_shift;

static uint8_t reg_read(unsigned reg)
{
	return *(volatile uint8_t *)(uart_base + (reg << reg_shift));
}

static void reg_write(unsigned reg, uint8_t v)
{
	*(volatile uint8_t *)(uart_base + (reg << reg_shift)) = v;
}

void plat_console_init(void)
{
	uint64_t base, size;
	uint32_t shift;
	int node = fdt_find_compatible(-1, "ns16550a");

	if (node < 0)
		node = fdt_find_compatible(-1, "ns16550");
	if (node >= 0 && fdt_reg(node, 0, &base, &size))
		uart_base = (uintptr_t)base;
	if (node >= 0 && fdt_prop_u32(node, "reg-shift", 0, &shift))
		reg_shift = shift;
	reg_write(UART_IER, 0x00); /* polled: no interrupts */
	reg_write(UART_LCR, 0x03); /* 8N1 */
	reg_write(UART_FCR, 0x07); /* FIFOs on, cleared */
	reg_write(UART_MCR, 0x03); /* DTR, RTS */
}

void plat_console_putc(char c)
{
	for (int spins = 0; spins < 100000; spins++)
		if (reg_read(UART_LSR) & LSR_THRE)
			break;
	reg_write(UART_DATA, (uint8_t)c);
}

int plat_console_getc(void)
{
	if (!(reg_read(UART_LSR) & LSR_DATA))
		return -1;
	return reg_read(UART_DATA);
}
