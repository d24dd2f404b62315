/*
 * dispatch: indirect calls. run(n) runs a small register machine: a bytecode loop that fetches
 * a 32-bit instruction, decodes it and calls its handler through a table of function pointers
 * (call_indirect), the handler returning the next pc. The program is a 13-instruction loop
 * body over eight i32 registers and a 256-word scratch memory, executed n times (13n calls).
 *
 * Instruction: op (bits 0-7), register a (8-11), register b (12-15), immediate (16-31, signed).
 * Returns: i32, a hash of the registers and the scratch memory. Default n = 1,000,000.
 * Built by scripts/build_testdata.sh:
 *   clang-19 --target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry dispatch.c \
 *     -o dispatch.wasm
 */
#include "kernel.h"

typedef struct Machine {
  u32 regs[8];
  u32 scratch[256];
} Machine;

typedef u32 (*Handler)(Machine *m, u32 ins, u32 pc);

#define A(ins) ((ins) >> 8 & 7)
#define B(ins) ((ins) >> 12 & 7)
#define IMM(ins) ((u32)(i32)(short)((ins) >> 16))

static u32 op_addi(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] += IMM(ins);
  return pc + 1;
}
static u32 op_add(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] += m->regs[B(ins)];
  return pc + 1;
}
static u32 op_sub(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] -= m->regs[B(ins)];
  return pc + 1;
}
static u32 op_mul(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] *= m->regs[B(ins)] | 1;
  return pc + 1;
}
static u32 op_xor(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] ^= m->regs[B(ins)];
  return pc + 1;
}
static u32 op_shl(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] <<= m->regs[B(ins)] & 31;
  return pc + 1;
}
static u32 op_shr(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] >>= m->regs[B(ins)] & 31;
  return pc + 1;
}
static u32 op_rotl(Machine *m, u32 ins, u32 pc) {
  u32 v = m->regs[A(ins)], k = m->regs[B(ins)] & 31;
  m->regs[A(ins)] = v << k | v >> ((32 - k) & 31);
  return pc + 1;
}
static u32 op_mov(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] = m->regs[B(ins)];
  return pc + 1;
}
static u32 op_load(Machine *m, u32 ins, u32 pc) {
  m->regs[A(ins)] = m->scratch[(m->regs[B(ins)] + IMM(ins)) & 255];
  return pc + 1;
}
static u32 op_store(Machine *m, u32 ins, u32 pc) {
  m->scratch[(m->regs[A(ins)] + IMM(ins)) & 255] = m->regs[B(ins)];
  return pc + 1;
}
/* Decrements register a; jumps by the immediate unless it reached zero. */
static u32 op_loop(Machine *m, u32 ins, u32 pc) {
  return --m->regs[A(ins)] != 0 ? pc + IMM(ins) : pc + 1;
}

enum { ADDI, ADD, SUB, MUL, XOR, SHL, SHR, ROTL, MOV, LOAD, STORE, LOOP, OP_COUNT };

static Handler const handlers[16] = {
    op_addi, op_add, op_sub, op_mul, op_xor, op_shl, op_shr, op_rotl, op_mov, op_load, op_store,
    op_loop, op_addi, op_addi, op_addi, op_addi,
};

#define INS(op, a, b, imm) ((u32)(op) | (u32)(a) << 8 | (u32)(b) << 12 | (u32)(u16)(short)(imm) << 16)

/* r7 counts the iterations down; r0-r6 hold the state. */
static const u32 program[] = {
    INS(ADD, 0, 1, 0),    INS(XOR, 1, 0, 0),    INS(ROTL, 1, 2, 0), INS(ADDI, 2, 0, 1),
    INS(MUL, 3, 0, 0),    INS(ADDI, 3, 0, 953), INS(STORE, 2, 3, 5), INS(LOAD, 4, 0, 0),
    INS(SUB, 5, 4, 0),    INS(SHR, 6, 2, 0),    INS(XOR, 6, 5, 0),   INS(MOV, 0, 5, 0),
    INS(LOOP, 7, 0, -12),
};

EXPORT("run") i32 run(i32 n) {
  Machine m;
  for (u32 i = 0; i < 8; i++) m.regs[i] = 0x9e3779b9u * (i + 1);
  for (u32 i = 0; i < 256; i++) m.scratch[i] = i * 0x01000193u;
  m.regs[7] = n < 1 ? 1 : (u32)n;
  u32 pc = 0;
  u32 length = sizeof(program) / sizeof(program[0]);
  while (pc < length) {
    u32 ins = program[pc];
    pc = handlers[ins & 15](&m, ins, pc);
  }
  u32 hash = 0;
  for (u32 i = 0; i < 8; i++) hash = (hash ^ m.regs[i]) * 16777619u;
  for (u32 i = 0; i < 256; i++) hash = (hash ^ m.scratch[i]) * 16777619u;
  return (i32)hash;
}
