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

__attribute__((noreturn)) void x86_boot_main(uint32_t magic, uint32_t info)
{
	int err = -1;

	plat_console_init();
	x86_gdt_init();
	x86_idt_init();

	if (magic == X86_MULTIBOOT_MAGIC && x86_multiboot_parse) {
		boot_info.protocol = "multiboot";
		err = x86_multiboot_parse(info, &boot_info);
	} else if (magic == X86_PVH_MAGIC) {
		boot_info.protocol = "pvh";
		err = x86_pvh_parse(info, &boot_info);
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
	x86_tsc_calibrate();
}
