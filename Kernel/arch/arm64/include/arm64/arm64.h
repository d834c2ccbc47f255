/*
 * Interfaces between the arm64 architecture library's own files, and what
 * arm64 platform libraries (plat-qemu, plat-firecracker) use from it.
 */
#ifndef ARM64_ARM64_H
#define ARM64_ARM64_H

#include <stdbool.h>
#include <stdint.h>

/* Registers saved by the exception entry (vectors.S), lowest address first. */
struct arm64_regs {
	uint64_t x[31]; /* x0..x30 (x29 frame pointer, x30 link register) */
	uint64_t sp;    /* the interrupted stack pointer (SP_EL0) */
	uint64_t elr;   /* where the exception happened */
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

/* Which vector the exception came through (vectors.S passes it). */
enum arm64_vector {
	ARM64_VEC_SYNC,
	ARM64_VEC_IRQ,
	ARM64_VEC_FIQ,
	ARM64_VEC_SERROR,
	ARM64_VEC_NESTED,   /* anything while on the exception stack */
	ARM64_VEC_LOWER_EL, /* from EL0 or a 32-bit EL: never expected */
};

struct kboot_info;

/* Entry from vectors.S; returns to resume the interrupted code. */
void arm64_trap(struct arm64_regs *regs, enum arm64_vector vector);

/* Page tables (mmu.c). */
void arm64_mmu_init(struct kboot_info *info);
bool arm64_mmu_is_mapped(uintptr_t va);
bool arm64_mmu_is_guard(uintptr_t va);
/* A write faulted on va: true when va is a clean tracked page (mmu.c), now
 * writable and dirty, so the write can be retried. */
bool arm64_mmu_write_fault(uintptr_t va);

/* Generic timer (time.c): calibration, and its interrupt. */
void arm64_timer_init(void);
/* The virtual counter at the boot's first instruction (head.S). */
extern uint64_t arm64_first_count;
void arm64_timer_irq(unsigned intid);

/*
 * Semihosting SYS_EXIT with ADP_Stopped_ApplicationExit and status v. QEMU
 * exits with v when started with -semihosting; returns when semihosting is
 * off (the trap is caught and skipped).
 */
void arm64_semihost_exit(uint8_t v);
/* Whether a synchronous exception at pc is a refused semihosting call. */
bool arm64_semihost_refused(uint64_t pc);

/* PSCI calls through the conduit the device tree names; return if absent. */
void arm64_psci_system_off(void);
void arm64_psci_system_reset(void);

/* Boot stack (boot/head.S); the page below its lowest address is a guard. */
extern char arm64_boot_stack_guard[], arm64_boot_stack_top[];
/* Page tables built by boot/head.S before C runs. */
extern uint64_t arm64_boot_l1[512];

#endif /* ARM64_ARM64_H */
