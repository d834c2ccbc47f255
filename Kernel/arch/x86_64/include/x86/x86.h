/*
 * Interfaces between the x86_64 architecture library's own files, and what
 * x86 platform libraries (plat-qemu, plat-firecracker) use from it.
 */
#ifndef X86_X86_H
#define X86_X86_H

#include <stdbool.h>
#include <stdint.h>

/* Boot protocol identification, passed from the 32-bit entry in %edi. */
#define X86_MULTIBOOT_MAGIC 0x2BADB002u /* Multiboot v1 loader's %eax */
#define X86_PVH_MAGIC       0x336ec578u /* hvm_start_info.magic */

/* Register state saved by the trap entry, lowest address first. */
struct x86_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

#define X86_IRQ_BASE  32 /* the PIC's IRQ 0 */
#define X86_GSI_BASE  48 /* IOAPIC GSI 16 (GSIs below are the PIC's) */
#define X86_GSI_FIRST 16
#define X86_GSI_LAST  47
/* Message-signalled interrupts: kraft/irq.h numbers 48..55, vectors 80..87
 * (the number plus 32, as for every line above). */
#define X86_MSI_FIRST    48
#define X86_MSI_COUNT    8
#define X86_VEC_STUBS    88 /* trap.S has stubs for vectors 0..87 */
#define X86_VEC_SPURIOUS 255

struct kboot_info;

/* Boot protocol parsers: fill info; return 0 or -KEINVAL for bad data. */
int x86_pvh_parse(uint32_t start_info, struct kboot_info *info);

/*
 * A boot protocol a platform adds because its image carries the protocol's
 * header (Multiboot on QEMU): the boot code calls parse when the loader's
 * magic value is magic. PVH is the arch's own.
 */
struct x86_boot_protocol {
	uint32_t magic;
	const char *name;
	int (*parse)(uint32_t info, struct kboot_info *out);
};

#define X86_BOOT_PROTOCOL_REGISTER(protocol)                                   \
	static const struct x86_boot_protocol *const x86_boot_##protocol       \
	    __attribute__((used, retain, section("x86_boot_protocols"),        \
	                   aligned(sizeof(long)))) = &protocol

void x86_gdt_init(void);
void x86_idt_init(void);
void x86_pic_init(void);
void x86_pic_eoi(unsigned irq);
void x86_pic_unmask(unsigned irq);
void x86_lapic_virtual_wire(void);
void x86_lapic_eoi(void);
/* Routes GSI 16..47 through an IOAPIC; 0 or -KEINVAL when none has it. */
int x86_ioapic_route(unsigned gsi);
/* The local APIC's address, NULL without an enabled one (pic.c). */
volatile uint32_t *x86_lapic(void);
/* The monotonic clock's time 0; the rate is found at arch_clock_start or
 * the first clock read (time.c). */
void x86_clock_init(void);
/* The TSC at the boot's first instruction (entry.S). */
extern uint64_t x86_boot_tsc;
void x86_pit_irq(void);
uint64_t x86_rtc_read_epoch(void);
void x86_mmu_init(struct kboot_info *info);
bool x86_mmu_is_mapped(uintptr_t va);
bool x86_mmu_is_guard(uintptr_t va);

/* Entry from trap.S. */
void x86_trap(struct x86_regs *regs);

/* Boot stack bounds (boot/entry.S); the page below is the guard. */
extern char x86_boot_stack_guard[], x86_boot_stack_top[];

#endif /* X86_X86_H */
