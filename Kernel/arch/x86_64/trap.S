/*
 * Trap entry. One small stub per vector pushes a uniform frame (a zero when
 * the CPU pushes no error code, then the vector number) and joins a common
 * path that saves the general registers as struct x86_regs, saves the FPU/SSE
 * state (kernel C code may use SSE registers that the interrupted code owns),
 * calls x86_trap(regs) and returns with iretq. Vectors 0-31 are exceptions,
 * 32-47 the PIC's IRQs, 48-79 IOAPIC GSIs 16-47, 80-87 message-signalled
 * interrupts (kraft/irq.h numbers 48-55), 255 the local APIC's spurious
 * vector.
 */
	.text
	.code64

.macro TRAP_NOERR n
	.balign 16
x86_trap_stub_\n:
	pushq $0
	pushq $\n
	jmp x86_trap_common
.endm

.macro TRAP_ERR n
	.balign 16
x86_trap_stub_\n:
	pushq $\n
	jmp x86_trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR 8
TRAP_NOERR 9
TRAP_ERR 10
TRAP_ERR 11
TRAP_ERR 12
TRAP_ERR 13
TRAP_ERR 14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR 17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR 21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR 29
TRAP_ERR 30
TRAP_NOERR 31
.irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,255
TRAP_NOERR \n
.endr

x86_trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	mov %rsp, %rdi
	mov %rsp, %rbx
	sub $512, %rsp
	and $~15, %rsp
	fxsave64 (%rsp)
	call x86_trap
	fxrstor64 (%rsp)
	mov %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	add $16, %rsp
	iretq

/* Stub addresses by vector, for the IDT (0 where no stub exists). */
	.section .rodata
	.balign 8
	.globl x86_trap_stubs
x86_trap_stubs:
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87
	.quad x86_trap_stub_\n
.endr
	.globl x86_trap_stub_spurious
	.set x86_trap_stub_spurious, x86_trap_stub_255
