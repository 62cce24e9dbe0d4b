/**
 * A 64 KiB firmware image for the KVM probe: from the reset vector it writes `R` to the
 * debug port 0x402 (real mode runs), enters protected mode and writes `P`, builds an
 * identity-mapped page table, enters long mode and writes `L`, then halts. What a Linux
 * kernel does first, in 213 bytes. A KVM that cannot take a guest through these steps
 * (some nested or paravirtual KVMs run real-mode firmware and then hang at the first mode
 * switch) will not boot a cloud image either, so this is what tells KVM from TCG.
 *
 * Assembled with GNU as (`as --32`, `ld -m elf_i386 -Ttext=0 --oformat binary`) from:
 *
 * ```
 * .code16                            # ROM offset 0xF000; visible at 0xF0000 (ISA alias)
 * .org 0xF000
 * start16: cli
 *     mov $0x402, %dx; mov $'R', %al; out %al, %dx
 *     mov $0xF000, %ax; mov %ax, %ds; lgdtl gdtr
 *     mov %cr0, %eax; or $1, %eax; mov %eax, %cr0
 *     ljmpl $0x08, $(0xF0000 + start32)
 * .code32
 * start32:
 *     mov $0x18, %ax; mov %ax, %ds; mov %ax, %es; mov %ax, %ss
 *     mov $0x402, %dx; mov $'P', %al; out %al, %dx
 *     movl $0x2003, 0x1000; movl $0, 0x1004      # PML4[0] -> PDPT at 0x2000
 *     movl $0x3003, 0x2000; movl $0, 0x2004      # PDPT[0] -> PD at 0x3000
 *     movl $0x83, 0x3000;   movl $0, 0x3004      # PD[0]: 2 MiB page at 0
 *     mov $0x1000, %eax; mov %eax, %cr3
 *     mov %cr4, %eax; or $0x20, %eax; mov %eax, %cr4              # PAE
 *     mov $0xC0000080, %ecx; rdmsr; or $0x100, %eax; wrmsr        # EFER.LME
 *     mov %cr0, %eax; or $0x80000000, %eax; mov %eax, %cr0        # paging: long mode
 *     ljmp $0x10, $(0xF0000 + start64)
 * .code64
 * start64:
 *     mov $0x402, %dx; mov $'L', %al; out %al, %dx
 * 1:  hlt; jmp 1b
 * .align 8
 * gdt: .quad 0, 0x00CF9A000000FFFF, 0x00AF9A000000FFFF, 0x00CF92000000FFFF
 * gdtr: .word gdtr - gdt - 1; .long 0xF0000 + gdt
 * .code16
 * .org 0xFFF0                        # the reset vector
 *     jmp start16
 * .org 0x10000
 * ```
 */
const code = [
  'faba0204b052eeb800f08ed8660f0116d0f00f20c06683c8010f22c066ea24f00f00080066b818008ed88ec08ed066ba',
  '0204b050eec7050010000003200000c7050410000000000000c7050020000003300000c7050420000000000000c70500',
  '30000083000000c7050430000000000000b8001000000f22d80f20e083c8200f22e0b9800000c00f320d000100000f30',
  '0f20c00d000000800f22c0eaa2f00f00100066ba0204b04ceef4ebfd8db400000000000000000000ffff0000009acf00',
  'ffff0000009aaf00ffff00000092cf001f00b0f00f',
].join('');
const resetVector = 'e90df0';

/** What the firmware writes to port 0x402 at each step: real mode, protected mode, long mode. */
export const probeMarks = { realMode: 'R', protectedMode: 'P', longMode: 'L' } as const;

/** The firmware image, for QEMU's `-bios` on the `pc` machine. */
export function probeFirmware(): Buffer {
  const image = Buffer.alloc(0x10000);
  Buffer.from(code, 'hex').copy(image, 0xf000);
  Buffer.from(resetVector, 'hex').copy(image, 0xfff0);
  return image;
}
