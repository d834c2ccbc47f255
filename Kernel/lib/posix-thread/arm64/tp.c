/*
 * arm64 thread pointer: TPIDR_EL0, which is where musl (and the AArch64 TLS
 * ABI) reads the thread pointer with `mrs x, tpidr_el0`. Kernel and
 * application share EL1, and EL1 may write the EL0 register directly.
 */
#include <kraft/posix_thread.h>

void kthread_arch_set_tp(uintptr_t tp)
{
	__asm__ volatile("msr tpidr_el0, %0" ::"r"(tp) : "memory");
}

/*
 * fn(arg) on another stack; the frame record keeps the way back (and keeps
 * backtraces walking through it).
 */
__asm__(".text\n"
        ".global kthread_arch_run_on_stack\n"
        ".type kthread_arch_run_on_stack,@function\n"
        "kthread_arch_run_on_stack:\n"
        "	stp x29, x30, [sp, #-16]!\n"
        "	mov x29, sp\n"
        "	and x2, x2, #-16\n"
        "	mov sp, x2\n"
        "	mov x3, x0\n"
        "	mov x0, x1\n"
        "	blr x3\n"
        "	mov sp, x29\n"
        "	ldp x29, x30, [sp], #16\n"
        "	ret\n"
        ".size kthread_arch_run_on_stack, .-kthread_arch_run_on_stack\n");
