/*
 * Cooperative context switch. Only callee-saved state needs saving, because
 * a switch is a function call: rbx, rbp, r12-r15, plus the x87 control word
 * and MXCSR, which the ABI also asks callees to preserve. A context is the
 * stack pointer after pushing them.
 *
 * void arch_ctx_switch(void **save_sp, void *next_sp)
 */
	.text
	.code64
	.globl arch_ctx_switch
arch_ctx_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	sub $16, %rsp
	stmxcsr 8(%rsp)
	fnstcw (%rsp)
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	fldcw (%rsp)
	ldmxcsr 8(%rsp)
	add $16, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/*
 * First run of a thread: arch_ctx_init leaves entry in r12 and arg in r13.
 * rbp is zero so backtraces stop here; the stack is 16-byte aligned at the
 * call, as the ABI requires.
 */
	.globl x86_thread_start
x86_thread_start:
	xor %ebp, %ebp
	mov %r13, %rdi
	call *%r12
	ud2
