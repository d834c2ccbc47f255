/*
 * Small arch services: interrupt mask save/restore, halting, fresh thread
 * contexts for switch.S, and random numbers from RNDR when
 * ID_AA64ISAR0_EL1 says the CPU has it (cortex-a53 and -a57 do not, so
 * callers must have a fallback).
 */
#include <kraft/arch.h>
#include <arm64/arm64.h>
#include <arm64/sysreg.h>

unsigned long arch_irq_save(void)
{
	unsigned long flags = read_sysreg(daif);
	__asm__ volatile("msr daifset, #2" ::: "memory");
	return flags;
}

void arch_irq_restore(unsigned long flags)
{
	if (!(flags & DAIF_I))
		__asm__ volatile("msr daifclr, #2" ::: "memory");
}

void arch_halt(void)
{
	for (;;)
		__asm__ volatile("msr daifset, #0xf\n wfi" ::: "memory");
}

extern char arm64_thread_start[];

/* The frame arch_ctx_switch pops (see switch.S), lowest address first. */
struct switch_frame {
	uint64_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	uint64_t x29, x30;
	uint64_t d8_d15[8];
	uint64_t fpcr, pad;
};

void *arch_ctx_init(void *stack_top, void (*entry)(void *), void *arg)
{
	uintptr_t top = (uintptr_t)stack_top & ~15UL;
	struct switch_frame *f = (struct switch_frame *)top - 1;

	*f = (struct switch_frame){
	    .x19 = (uint64_t)entry,
	    .x20 = (uint64_t)arg,
	    .x29 = 0, /* backtraces stop here */
	    .x30 = (uint64_t)arm64_thread_start,
	};
	return f;
}

bool arch_random(uint64_t *out)
{
	static int has_rndr = -1;

	if (has_rndr < 0)
		has_rndr = ((read_sysreg(id_aa64isar0_el1) >> 60) & 0xf) >= 1;
	if (!has_rndr)
		return false;
	for (int tries = 0; tries < 10; tries++) {
		uint64_t v, ok;
		/* NZCV is 0b0000 on success, 0b0100 (Z) on failure. */
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n"
		                 "cset %1, ne"
		                 : "=r"(v), "=r"(ok)::"cc");
		if (ok) {
			*out = v;
			return true;
		}
	}
	return false;
}
