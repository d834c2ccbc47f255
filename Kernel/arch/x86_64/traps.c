/*
 * Trap dispatch and the crash report. The timer interrupt (PIC IRQ 0) only
 * wakes arch_cpu_idle: the scheduler looks at the clock itself afterwards.
 * Other IRQs go to the handlers drivers attached (kraft/irq.h) before the
 * controller is acknowledged (the slave PIC's EOI; the master ends its own,
 * pic.c), so a level-triggered line is already low. Every exception is fatal
 * (no demand paging, no user mode): it prints what happened, the registers
 * and a frame-pointer backtrace as "  #N 0x<address>" lines that `kraft run`
 * symbolises from the .dbg image, then ends the VM with the crash status.
 */
#include <kraft/abi.h>
#include <kraft/irq.h>
#include <kraft/kcore.h>
#include <kraft/print.h>
#include <x86/cpu.h>
#include <x86/x86.h>

#define BACKTRACE_MAX 32
/* Page-fault error code bits. */
#define PF_PRESENT (1UL << 0)
#define PF_WRITE   (1UL << 1)
#define PF_FETCH   (1UL << 4)

static const char *const vector_names[32] = {
    "divide error",
    "debug",
    "non-maskable interrupt",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid tss",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating-point",
    "alignment check",
    "machine check",
    "simd floating-point",
    "virtualization",
    "control protection",
};

static volatile int crashing;

/* The frame-pointer chain is only followed through mapped memory. */
static bool frame_readable(uint64_t fp)
{
	return fp && !(fp & 7) && x86_mmu_is_mapped(fp) &&
	       x86_mmu_is_mapped(fp + 15);
}

static void print_backtrace(uint64_t rip, uint64_t rbp)
{
	unsigned n = 0;

	kprintf("backtrace:\n");
	kprintf(KRAFT_CRASH_FRAME_FMT "\n", n++, rip);
	while (n < BACKTRACE_MAX && frame_readable(rbp)) {
		uint64_t *frame = (uint64_t *)rbp;
		if (!frame[1])
			break;
		/* Return address minus one: the call, not what follows. */
		kprintf(KRAFT_CRASH_FRAME_FMT "\n", n++, frame[1] - 1);
		if (frame[0] <= rbp)
			break; /* stacks grow down: a loop or garbage */
		rbp = frame[0];
	}
}

static void crash_report(const struct x86_regs *r)
{
	uint64_t cr2 = read_cr2();
	const char *name = r->vector < 32 && vector_names[r->vector]
	                       ? vector_names[r->vector]
	                       : "unknown exception";
	bool overflow = (r->vector == 14 && x86_mmu_is_guard(cr2)) ||
	                (r->vector == 8 && x86_mmu_is_guard(r->rsp));

	kbegin_line();
	kprintf(KRAFT_LOG_TAG_CRIT KRAFT_CRASH_HEADER "%s (vector %lu)%s\n",
	        name, r->vector, overflow ? ": stack overflow" : "");
	kprintf("error code 0x%lx  rip 0x%016lx  cr2 0x%016lx\n", r->error,
	        r->rip, cr2);
	if (r->vector == 14 && cr2 < 4096)
		kprintf("(a NULL pointer dereference)\n");
	else if (r->vector == 14 && (r->error & PF_FETCH))
		kprintf("(an instruction fetch from memory that is not "
		        "executable)\n");
	else if (r->vector == 14 && (r->error & (PF_PRESENT | PF_WRITE)) ==
	                                (PF_PRESENT | PF_WRITE))
		kprintf("(a write to read-only memory)\n");
	kprintf("rax 0x%016lx rbx 0x%016lx rcx 0x%016lx\n", r->rax, r->rbx,
	        r->rcx);
	kprintf("rdx 0x%016lx rsi 0x%016lx rdi 0x%016lx\n", r->rdx, r->rsi,
	        r->rdi);
	kprintf("rbp 0x%016lx rsp 0x%016lx r8  0x%016lx\n", r->rbp, r->rsp,
	        r->r8);
	kprintf("r9  0x%016lx r10 0x%016lx r11 0x%016lx\n", r->r9, r->r10,
	        r->r11);
	kprintf("r12 0x%016lx r13 0x%016lx r14 0x%016lx\n", r->r12, r->r13,
	        r->r14);
	kprintf("r15 0x%016lx rflags 0x%08lx cs 0x%lx ss 0x%lx\n", r->r15,
	        r->rflags, r->cs, r->ss);
	print_backtrace(r->rip, r->rbp);
}

void x86_trap(struct x86_regs *regs)
{
	if (regs->vector >= X86_IRQ_BASE && regs->vector < X86_IRQ_BASE + 16) {
		unsigned irq = (unsigned)regs->vector - X86_IRQ_BASE;
		if (irq)
			kirq_dispatch(irq);
		else
			x86_pit_irq();
		x86_pic_eoi(irq);
		return;
	}
	/* IOAPIC GSIs and MSIs, both ended at the local APIC. */
	if (regs->vector >= X86_GSI_BASE && regs->vector < X86_VEC_STUBS) {
		kirq_dispatch((unsigned)regs->vector - X86_GSI_BASE +
		              X86_GSI_FIRST);
		x86_lapic_eoi();
		return;
	}
	if (regs->vector == X86_VEC_SPURIOUS)
		return; /* the local APIC wants no EOI for these */

	if (crashing) /* a fault while reporting one: just stop */
		kcore_crash();
	crashing = 1;
	crash_report(regs);
	kcore_crash();
}

unsigned arch_backtrace(uintptr_t *pcs, unsigned max)
{
	uint64_t rbp = (uint64_t)__builtin_frame_address(0);
	unsigned n = 0;

	while (n < max && frame_readable(rbp)) {
		uint64_t *frame = (uint64_t *)rbp;
		if (!frame[1])
			break;
		pcs[n++] = frame[1];
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	return n;
}
