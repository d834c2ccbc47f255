/*
 * x86_64 thread pointer: the FS base, which is where musl (and the SysV TLS
 * ABI) expects %fs:0 to point. Written with wrmsr: FSGSBASE instructions are
 * not enabled by the boot code.
 */
#include <kraft/posix_thread.h>

#define MSR_FS_BASE 0xc0000100u

void kthread_arch_set_tp(uintptr_t tp)
{
	__asm__ volatile("wrmsr" ::"c"(MSR_FS_BASE), "a"((uint32_t)tp),
	                 "d"((uint32_t)(tp >> 32)));
}

/* The frame pointer keeps the way back to the scheduler's stack. */
__asm__(".text\n"
        ".global kthread_arch_run_on_stack\n"
        ".type kthread_arch_run_on_stack,@function\n"
        "kthread_arch_run_on_stack:\n"
        "	push %rbp\n"
        "	mov %rsp, %rbp\n"
        "	and $-16, %rdx\n"
        "	mov %rdx, %rsp\n"
        "	mov %rdi, %rax\n"
        "	mov %rsi, %rdi\n"
        "	call *%rax\n"
        "	mov %rbp, %rsp\n"
        "	pop %rbp\n"
        "	ret\n"
        ".size kthread_arch_run_on_stack, .-kthread_arch_run_on_stack\n");
