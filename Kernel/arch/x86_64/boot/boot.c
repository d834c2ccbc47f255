/*
 * x86_64 early boot, in C: entered from boot/entry.S in long mode on the
 * boot stack with interrupts off. Brings up the console, the GDT (with a TSS
 * whose IST stack takes faults even when the faulting stack is gone) and the
 * IDT, so that anything going wrong from here on prints a crash report. Then
 * it turns the boot protocol's structures into a struct kboot_info and hands
 * over to the arch-neutral kcore_start, after mapping all RAM. Interrupt
 * controllers and clocks are set up in arch_init_late, called by kcore.
 */
#include <kraft/arch.h>
#include <kraft/boot.h>
#include <kraft/kcore.h>
#include <kraft/plat.h>
#include <kraft/print.h>
#include <x86/x86.h>

/* Static: the boot stack is small and kboot_info holds the command line. */
static struct kboot_info boot_info;

extern const struct x86_boot_protocol *const __start_x86_boot_protocols[],
    *const __stop_x86_boot_protocols[];

static const struct x86_boot_protocol pvh = {X86_PVH_MAGIC, "pvh",
                                             x86_pvh_parse};

/* The protocol whose loader left magic, or NULL. */
static const struct x86_boot_protocol *protocol_of(uint32_t magic)
{
	if (magic == pvh.magic)
		return &pvh;
	for (const struct x86_boot_protocol *const *p =
	         __start_x86_boot_protocols;
	     p < __stop_x86_boot_protocols; p++)
		if ((*p)->magic == magic)
			return *p;
	return 0;
}

__attribute__((noreturn)) void x86_boot_main(uint32_t magic, uint32_t info)
{
	int err = -1;

	plat_console_init();
	x86_gdt_init();
	x86_idt_init();

	const struct x86_boot_protocol *protocol = protocol_of(magic);
	if (protocol) {
		boot_info.protocol = protocol->name;
		err = protocol->parse(info, &boot_info);
	}
	if (err)
		kpanic("unsupported or corrupt boot information (magic %#x)",
		       magic);
	x86_mmu_init(&boot_info);
	kcore_start(&boot_info);
}

void arch_init_late(void)
{
	x86_pic_init();
	x86_lapic_virtual_wire();
	x86_clock_init();
}
