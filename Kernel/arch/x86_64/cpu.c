/*
 * Small arch services: interrupt flag save/restore, halting, fresh thread
 * contexts for switch.S, and random numbers from RDRAND when CPUID offers
 * it (TCG's default CPU does not, so callers must have a fallback).
 */
#include <kraft/arch.h>
#include <x86/cpu.h>
#include <x86/x86.h>

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_rflags();
	__asm__ volatile("cli" ::: "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	if (flags & X86_RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

void arch_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

extern char x86_thread_start[];

/* The frame arch_ctx_switch pops: x87 cw and mxcsr, r15..r12, rbx, rbp. */
struct switch_frame {
	uint16_t fpu_cw;
	uint16_t pad0;
	uint32_t pad1;
	uint32_t mxcsr;
	uint32_t pad2;
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret; /* popped last: then the stack is 16-byte aligned */
};

void *arch_ctx_init(void *stack_top, void (*entry)(void *), void *arg)
{
	uintptr_t top = (uintptr_t)stack_top & ~15UL;
	struct switch_frame *f = (struct switch_frame *)top - 1;

	*f = (struct switch_frame){
	    .fpu_cw = 0x037f, /* the ABI's defaults */
	    .mxcsr = 0x1f80,
	    .r12 = (uint64_t)entry,
	    .r13 = (uint64_t)arg,
	    .ret = (uint64_t)x86_thread_start,
	};
	return f;
}

bool arch_random(uint64_t *out)
{
	static int has_rdrand = -1;

	if (has_rdrand < 0) {
		uint32_t r[4];
		cpuid(1, 0, r);
		has_rdrand = !!(r[2] & (1u << 30));
	}
	if (!has_rdrand)
		return false;
	for (int tries = 0; tries < 10; tries++) {
		unsigned char ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}
