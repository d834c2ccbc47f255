/*
 * Descriptor tables. The GDT comes from boot/entry.S; here its TSS slot is
 * filled in so that double faults and page faults switch to a dedicated
 * interrupt stack (IST 1): a stack overflow into a guard page cannot push an
 * exception frame on the overflowing stack, and would otherwise end in a
 * triple fault with no report. The IDT points every vector with a stub in
 * trap.S at it, as interrupt gates (interrupts stay off in handlers).
 */
#include <stdint.h>
#include <x86/x86.h>

#define IST_STACK_SIZE 16384
#define TSS_SELECTOR   0x18
#define KERNEL_CS      0x08
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

struct table_desc {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern uint64_t x86_gdt[];
extern const uintptr_t x86_trap_stubs[X86_VEC_STUBS];
extern char x86_trap_stub_spurious[];

static struct tss tss;
static struct idt_gate idt[256];
static char ist_stack[IST_STACK_SIZE] __attribute__((aligned(16)));

void x86_gdt_init(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	tss.ist[0] = (uint64_t)(ist_stack + IST_STACK_SIZE);
	tss.iomap_base = sizeof(tss);
	/* A 16-byte system descriptor: type 9 (available 64-bit TSS). */
	x86_gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	             (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
	             (((base >> 24) & 0xff) << 56);
	x86_gdt[4] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(TSS_SELECTOR));
}

static void set_gate(unsigned vector, uintptr_t handler, uint8_t ist)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = handler & 0xffff;
	g->selector = KERNEL_CS;
	g->ist = ist;
	g->type = GATE_INTERRUPT;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
}

/* NMI, double fault, page fault, machine check: on the known-good stack. */
#define IST_VECTORS ((1u << 2) | (1u << 8) | (1u << 14) | (1u << 18))

void x86_idt_init(void)
{
	struct table_desc desc = {sizeof(idt) - 1, (uint64_t)idt};

	/* One loop with the stack chosen per vector, not a gate rewritten per
	 * exception: under QEMU's TCG every instruction of code run once is
	 * translated, and each inlined set_gate was a dozen. */
	for (unsigned v = 0; v < X86_VEC_STUBS; v++)
		set_gate(v, x86_trap_stubs[v],
		         v < 32 ? (IST_VECTORS >> v) & 1 : 0);
	set_gate(X86_VEC_SPURIOUS, (uintptr_t)x86_trap_stub_spurious, 0);
	__asm__ volatile("lidt %0" : : "m"(desc));
}
