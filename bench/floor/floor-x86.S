/*
 * QEMU's floor on x86: the least a guest can do and still be timed like a kraft image.
 * It prints one line on COM1 and exits through isa-debug-exit, so whatever time a boot
 * takes beyond this image's is the unikernel's own.
 *
 * One 32-bit ELF serves both boot protocols kraft uses: QEMU `pc` finds the Multiboot v1
 * header (ELF32 images need no a.out kludge), QEMU `microvm` the PVH entry note. Both
 * enter in 32-bit protected mode with paging off, which is all this code needs: no stack,
 * no long mode.
 */

#define COM1 0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_THR_EMPTY 0x20
#define DEBUG_EXIT_PORT 0xf4
#define MULTIBOOT_MAGIC 0x1badb002
#define MULTIBOOT_FLAGS 0x0
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .multiboot, "a"
	.balign 4
	.long MULTIBOOT_MAGIC
	.long MULTIBOOT_FLAGS
	.long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

	.section .note.Xen, "a"
	.balign 4
	.long 4                         /* name size: "Xen\0" */
	.long 4                         /* descriptor size: a 32-bit entry address */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	cli
	mov $message, %esi
next_byte:
	movb (%esi), %al
	test %al, %al
	jz done
	mov %al, %bl
	mov $COM1_LSR, %dx
wait_for_transmitter:                   /* QEMU's UART is always ready; a real one is not */
	inb %dx, %al
	test $LSR_THR_EMPTY, %al
	jz wait_for_transmitter
	mov $COM1, %dx
	mov %bl, %al
	outb %al, %dx
	inc %esi
	jmp next_byte
done:
	mov $1, %al                     /* V = 1: status 0 by kraft's convention (abi.h) */
	mov $DEBUG_EXIT_PORT, %dx
	outb %al, %dx
halt:
	hlt
	jmp halt

	.section .rodata
message:
	.asciz "floor\n"
