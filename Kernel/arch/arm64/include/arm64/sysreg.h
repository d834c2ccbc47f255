/*
 * System register access and barriers for arm64 C code. Registers are named
 * as strings so that ones the assembler may not know by name can be given
 * in their S3_x_Cn_Cm_y form.
 */
#ifndef ARM64_SYSREG_H
#define ARM64_SYSREG_H

#include <stdint.h>

#define read_sysreg(r)                                                         \
	({                                                                     \
		uint64_t v_;                                                   \
		__asm__ volatile("mrs %0, " #r : "=r"(v_));                    \
		v_;                                                            \
	})
#define write_sysreg(r, v)                                                     \
	__asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")

#define isb()    __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")

/* RNDR, in the encoding older assemblers accept. */
#define SYSREG_RNDR s3_3_c2_c4_0

/* DAIF bits as mrs/msr DAIF shows them. */
#define DAIF_I (1ul << 7)

#endif /* ARM64_SYSREG_H */
