/*
 * Semihosting call (AArch64: HLT #0xf000 with the operation in w0 and its
 * parameter block in x1). QEMU performs it when started with -semihosting;
 * otherwise HLT is an undefined instruction, which traps.c recognises by
 * its address (arm64_semihost_hlt) and skips, so the call simply returns.
 *
 * uint64_t arm64_semihost_call(uint64_t op, void *param)
 */
	.text
	.globl arm64_semihost_call, arm64_semihost_hlt
arm64_semihost_call:
arm64_semihost_hlt:
	hlt #0xf000
	ret
