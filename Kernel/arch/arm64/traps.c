/*
 * Exception dispatch and the crash report. An IRQ is acknowledged at the
 * GIC and handed to the timer (which exists to wake arch_cpu_idle) or, for
 * a shared interrupt, to the handlers drivers attached (kraft/irq.h). A
 * synchronous exception is fatal, except the one a semihosting call raises when
 * QEMU runs without -semihosting, which is skipped so that the exit path can
 * fall back to PSCI. The report matches x86_64's: what happened (from ESR_EL1's
 * exception class), whether a guard page was hit ("stack overflow"), the
 * registers, and a frame-pointer backtrace as "  #N 0x<address>" lines that
 * `kraft run` symbolises.
 */
#include <kraft/abi.h>
#include <kraft/gic.h>
#include <kraft/irq.h>
#include <kraft/kerrno.h>
#include <kraft/kcore.h>
#include <kraft/print.h>
#include <arm64/arm64.h>

#define BACKTRACE_MAX 32

#define EC_UNKNOWN    0x00
#define EC_FP_ACCESS  0x07
#define EC_ILLEGAL    0x0e
#define EC_SVC64      0x15
#define EC_SYSREG     0x18
#define EC_IABT_LOWER 0x20
#define EC_IABT_CUR   0x21
#define EC_PC_ALIGN   0x22
#define EC_DABT_LOWER 0x24
#define EC_DABT_CUR   0x25
#define EC_SP_ALIGN   0x26
#define EC_FP_EXC64   0x2c
#define EC_SERROR     0x2f
#define EC_BRK64      0x3c
/* Data and instruction abort syndrome: fault status code (type bits) and
 * write-not-read. */
#define ESR_FSC_TYPE       0x3cUL
#define ESR_FSC_PERMISSION 0x0cUL
#define ESR_WNR            (1UL << 6)

static const char *exception_name(enum arm64_vector vector, uint64_t esr)
{
	if (vector == ARM64_VEC_FIQ)
		return "unexpected fiq";
	if (vector == ARM64_VEC_SERROR)
		return "system error (serror)";
	if (vector == ARM64_VEC_LOWER_EL)
		return "exception from a lower exception level";
	switch (esr >> 26) {
	case EC_UNKNOWN:
		return "undefined instruction";
	case EC_FP_ACCESS:
		return "fp/simd access trapped";
	case EC_ILLEGAL:
		return "illegal execution state";
	case EC_SVC64:
		return "unexpected svc";
	case EC_SYSREG:
		return "trapped system register access";
	case EC_IABT_LOWER:
	case EC_IABT_CUR:
		return "instruction abort";
	case EC_PC_ALIGN:
		return "pc alignment fault";
	case EC_DABT_LOWER:
	case EC_DABT_CUR:
		return "data abort";
	case EC_SP_ALIGN:
		return "sp alignment fault";
	case EC_FP_EXC64:
		return "floating-point exception";
	case EC_SERROR:
		return "system error (serror)";
	case EC_BRK64:
		return "breakpoint (brk)";
	default:
		return "unknown exception";
	}
}

static bool is_abort(uint64_t esr)
{
	uint64_t ec = esr >> 26;
	return ec == EC_DABT_CUR || ec == EC_DABT_LOWER || ec == EC_IABT_CUR ||
	       ec == EC_IABT_LOWER;
}

/* An abort's fault status code says "permission fault" (W^X at work). */
static bool is_permission_fault(uint64_t esr)
{
	return is_abort(esr) && (esr & ESR_FSC_TYPE) == ESR_FSC_PERMISSION;
}

/* The frame-record chain is only followed through mapped memory. */
static bool frame_readable(uint64_t fp)
{
	return fp && !(fp & 7) && arm64_mmu_is_mapped(fp) &&
	       arm64_mmu_is_mapped(fp + 15);
}

static void print_backtrace(uint64_t pc, uint64_t lr, uint64_t fp)
{
	unsigned n = 0;

	kprintf("backtrace:\n");
	kprintf(KRAFT_CRASH_FRAME_FMT "\n", n++, pc);
	/*
	 * A leaf function keeps its return address in x30 and may have no
	 * frame record: then x30 is the caller, missing from the chain.
	 */
	if (lr && !(frame_readable(fp) && ((uint64_t *)fp)[1] == lr))
		kprintf(KRAFT_CRASH_FRAME_FMT "\n", n++, lr - 4);
	while (n < BACKTRACE_MAX && frame_readable(fp)) {
		uint64_t *record = (uint64_t *)fp;
		if (!record[1])
			break;
		/* The return address minus one instruction: the call. */
		kprintf(KRAFT_CRASH_FRAME_FMT "\n", n++, record[1] - 4);
		if (record[0] <= fp)
			break; /* stacks grow down: a loop or garbage */
		fp = record[0];
	}
}

static void crash_report(const struct arm64_regs *r, enum arm64_vector vector)
{
	bool overflow = is_abort(r->esr) && arm64_mmu_is_guard(r->far);

	kprintf("\n" KRAFT_LOG_TAG_CRIT KRAFT_CRASH_HEADER
	        "%s (esr 0x%08lx)%s\n",
	        exception_name(vector, r->esr), r->esr,
	        overflow ? ": stack overflow" : "");
	kprintf("elr 0x%016lx  far 0x%016lx  spsr 0x%08lx\n", r->elr, r->far,
	        r->spsr);
	if (is_abort(r->esr) && r->far < 4096)
		kprintf("(a NULL pointer dereference)\n");
	else if (is_permission_fault(r->esr) &&
	         ((r->esr >> 26) == EC_IABT_CUR ||
	          (r->esr >> 26) == EC_IABT_LOWER))
		kprintf("(an instruction fetch from memory that is not "
		        "executable)\n");
	else if (is_permission_fault(r->esr) && (r->esr & ESR_WNR))
		kprintf("(a write to read-only memory)\n");
	for (unsigned i = 0; i < 30; i += 3)
		kprintf("x%-2u 0x%016lx x%-2u 0x%016lx x%-2u 0x%016lx\n", i,
		        r->x[i], i + 1, r->x[i + 1], i + 2, r->x[i + 2]);
	kprintf("x30 0x%016lx sp  0x%016lx\n", r->x[30], r->sp);
	print_backtrace(r->elr, r->x[30], r->x[29]);
}

static volatile int crashing;

void arm64_trap(struct arm64_regs *regs, enum arm64_vector vector)
{
	if (vector == ARM64_VEC_IRQ) {
		unsigned intid = gic_ack();
		if (intid >= 1020)
			return; /* spurious: nothing to end */
		if (intid >= GIC_SPI_BASE)
			kirq_dispatch(intid);
		else
			arm64_timer_irq(intid);
		gic_eoi(intid);
		return;
	}
	if (vector == ARM64_VEC_SYNC && (regs->esr >> 26) == EC_UNKNOWN &&
	    arm64_semihost_refused(regs->elr)) {
		regs->elr += 4;
		return;
	}
	/* The first write to a clean page of a tracked run (mmu.c): the
	 * page becomes writable and dirty, and the write runs again. Also
	 * inside a handler (nested): such a page may have gone back to the
	 * page allocator and come to the kernel's heap. */
	if ((vector == ARM64_VEC_SYNC || vector == ARM64_VEC_NESTED) &&
	    (regs->esr >> 26) == EC_DABT_CUR &&
	    is_permission_fault(regs->esr) && (regs->esr & ESR_WNR) &&
	    arm64_mmu_write_fault(regs->far))
		return;

	if (crashing) /* a fault while reporting one: just stop */
		kcore_crash();
	crashing = 1;
	crash_report(regs, vector);
	kcore_crash();
}

int arch_irq_enable(unsigned irq)
{
	if (irq < GIC_SPI_BASE || irq > GIC_SPI_LAST)
		return -KEINVAL;
	gic_enable_spi(irq);
	return 0;
}

int arch_msi_alloc(unsigned *irq, uint64_t *address, uint32_t *data)
{
	(void)irq, (void)address, (void)data;
	return -KENODEV; /* no GICv2m or ITS driver: kraft drives no PCI here */
}

unsigned arch_backtrace(uintptr_t *pcs, unsigned max)
{
	uint64_t fp = (uint64_t)__builtin_frame_address(0);
	unsigned n = 0;

	while (n < max && frame_readable(fp)) {
		uint64_t *record = (uint64_t *)fp;
		if (!record[1])
			break;
		pcs[n++] = record[1];
		if (record[0] <= fp)
			break;
		fp = record[0];
	}
	return n;
}
