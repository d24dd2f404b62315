#!/usr/bin/env bash
# Rebuilds the benchmark kernels in testdata/kernels/: every NAME.c and NAME.wat there becomes
# the NAME.wasm beside it. The binaries are committed, so only someone changing a kernel needs
# this: clang-19 and lld-19 for the C kernels (`apt-get install -y clang-19 lld-19` on Debian),
# Deno for the WAT ones (they go through gab's own text parser: `cli.ts parse`).
#
# The C kernels are freestanding (no libc and no imports at all: pure compute modules that
# export `run` and their memory), so any engine can run them without WASI. -ffreestanding also
# stops clang from turning hand-written copy loops into memcpy/memset calls.
#
# The WASI test programs in testdata/wasi/ (NAME.c -> NAME.wasm) link against wasi-libc:
# `apt-get install -y clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32`. After changing one,
# regenerate its expected output with `node scripts/wasi_expected.mjs NAME` (see that script).
#
# The SIMD kernels in testdata/simd/ (NAME.c) are built twice, with -O3 -msimd128 (NAME.simd.wasm,
# clang's auto-vectorizer on) and with -O3 alone (NAME.scalar.wasm), for scripts/bench_simd.ts.
#
# The DAP tests' program testdata/dap/sum.c is built with -O0 -g into sum.wasm:
# `scripts/build_testdata.sh dap` (needs wasi-libc).
#
# The debugger's test program testdata/debug/lines.c is built with -O0 -g into lines.wasm, and
# with -gdwarf-5 into an object file, lines.dwarf5.o; llvm-dwarfdump-19's line tables of both are
# committed beside them (the DWARF tests' oracle): `scripts/build_testdata.sh debug` (needs
# wasi-libc and llvm-19 too). testdata/debug/vars.c (C variables) is built likewise, in three
# variants, with llvm-dwarfdump-19's dump of its unit's .debug_info and its output under Node's
# node:wasi (vars.out: the values the debugger must print).
#
# Usage: scripts/build_testdata.sh [NAME...]   (default: every kernel, every SIMD kernel and
#        every WASI program; NAME is a kernel, e.g. fib, `wasi` for the WASI programs or `simd`
#        for the SIMD kernels)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
CLANG=${CLANG:-clang-19}

# Builds every WASI test program of testdata/wasi.
build_wasi() {
  command -v "$CLANG" >/dev/null 2>&1 ||
    { echo "build_testdata.sh: $CLANG not found; install clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32" >&2; exit 1; }
  (
    cd "$root/testdata/wasi"
    for source in *.c; do
      name="${source%.c}"
      case "$name" in
        # freestanding: imports wasi_unstable itself (wasi-libc speaks only preview 1)
        preview0) flags=(-nostdlib -Wl,--no-entry -Wl,--export=_start) ;;
        *) flags=(-Wno-unused-result) ;;
      esac
      "$CLANG" --target=wasm32-wasi -O2 "${flags[@]}" "$source" -o "$name.wasm"
      chmod 644 "$name.wasm"
      echo "built testdata/wasi/$name.wasm ($(wc -c <"$name.wasm") bytes)"
    done
  )
}

# Builds every SIMD kernel of testdata/simd twice (vectorized and scalar).
build_simd() {
  command -v "$CLANG" >/dev/null 2>&1 ||
    { echo "build_testdata.sh: $CLANG not found; install it with: apt-get install -y clang-19 lld-19" >&2; exit 1; }
  (
    cd "$root/testdata/simd"
    for source in *.c; do
      name="${source%.c}"
      flags=(--target=wasm32 -O3 -ffreestanding -nostdlib -Wl,--no-entry)
      "$CLANG" "${flags[@]}" -msimd128 "$source" -o "$name.simd.wasm"
      "$CLANG" "${flags[@]}" "$source" -o "$name.scalar.wasm"
      chmod 644 "$name.simd.wasm" "$name.scalar.wasm"
      echo "built testdata/simd/$name.simd.wasm and $name.scalar.wasm"
    done
  )
}

# Builds the debugger's C test program and dumps its line tables.
build_debug() {
  command -v llvm-dwarfdump-19 >/dev/null 2>&1 ||
    { echo "build_testdata.sh: llvm-dwarfdump-19 not found; install it with: apt-get install -y llvm-19" >&2; exit 1; }
  (
    cd "$root/testdata/debug"
    "$CLANG" --target=wasm32-wasi -O0 -g lines.c -o lines.wasm
    "$CLANG" --target=wasm32-wasi -O0 -gdwarf-5 -fdebug-prefix-map="$PWD"=. -c lines.c -o lines.dwarf5.o
    chmod 644 lines.wasm lines.dwarf5.o
    # lines.c's own unit of lines.wasm (wasi-libc's units come first).
    unit=$(llvm-dwarfdump-19 --debug-line lines.wasm | grep -B40 'name: "lines.c"' | grep -o '^debug_line\[0x[0-9a-f]*' | tail -1 | cut -d'[' -f2)
    llvm-dwarfdump-19 --debug-line="$unit" lines.wasm >lines.debug_line.txt
    llvm-dwarfdump-19 --debug-line lines.dwarf5.o >lines.dwarf5.debug_line.txt
    echo "built testdata/debug/lines.wasm and lines.dwarf5.o, dumped their line tables"
    # vars.c: DWARF 4 (clang's default for wasm) and 5 at -O0, and -O1 (location lists); the
    # debug info of vars.c's own unit of each, and what the program prints (the values' oracle).
    local prefix=-fdebug-prefix-map="$PWD"=.
    "$CLANG" --target=wasm32-wasi -O0 -g "$prefix" vars.c -o vars.wasm
    "$CLANG" --target=wasm32-wasi -O0 -gdwarf-5 "$prefix" vars.c -o vars.dwarf5.wasm
    # (compiled and linked apart: clang runs wasm-opt after an optimized link when it finds
    # one, and binaryen 108 zeroes the DWARF code addresses)
    "$CLANG" --target=wasm32-wasi -O1 -g "$prefix" -c vars.c -o vars.O1.o
    "$CLANG" --target=wasm32-wasi vars.O1.o -o vars.O1.wasm
    rm vars.O1.o
    chmod 644 vars.wasm vars.dwarf5.wasm vars.O1.wasm
    for name in vars vars.dwarf5 vars.O1; do
      llvm-dwarfdump-19 --debug-info "$name.wasm" >"$name.all.txt"
      awk '
        /Compile Unit:/ { if (keep) exit; unit = $0; n = 0; delete buf }
        { buf[n++] = $0 }
        /DW_AT_name\t\("vars.c"\)/ && !keep { keep = 1; for (i = 0; i < n - 1; i++) print buf[i]; }
        keep { print }' "$name.all.txt" >"$name.debug_info.txt"
      rm "$name.all.txt"
    done
    node --no-warnings -e '
      const { WASI } = require("node:wasi");
      const wasi = new WASI({ version: "preview1", args: ["vars"] });
      const mod = new WebAssembly.Module(require("node:fs").readFileSync("vars.wasm"));
      wasi.start(new WebAssembly.Instance(mod, wasi.getImportObject()));' >vars.out
    echo "built testdata/debug/vars*.wasm, dumped the debug info of vars.c, ran it into vars.out"
  )
}

# Builds the DAP tests' C program (testdata/dap/sum.c, -O0 -g).
build_dap() {
  (
    cd "$root/testdata/dap"
    "$CLANG" --target=wasm32-wasi -O0 -g -fdebug-prefix-map="$PWD"=. sum.c -o sum.wasm
    chmod 644 sum.wasm
    echo "built testdata/dap/sum.wasm"
  )
}

if [ "$#" -eq 1 ] && [ "$1" = dap ]; then
  build_dap
  exit 0
fi
if [ "$#" -eq 1 ] && [ "$1" = debug ]; then
  build_debug
  exit 0
fi
if [ "$#" -eq 1 ] && [ "$1" = wasi ]; then
  build_wasi
  exit 0
fi
if [ "$#" -eq 1 ] && [ "$1" = simd ]; then
  build_simd
  exit 0
fi
if [ "$#" -eq 0 ]; then
  build_wasi
  build_simd
fi
cd "$root/testdata/kernels"

COMMON=(--target=wasm32 -O2 -ffreestanding -nostdlib -Wl,--no-entry)

# Flags beyond COMMON for one C kernel (keep in step with the command in the kernel's header).
extra_flags() {
  case "$1" in
    memcpy) echo "-mbulk-memory" ;;
    *) echo "" ;;
  esac
}

fail() {
  echo "build_testdata.sh: $*" >&2
  exit 1
}

if [ "$#" -gt 0 ]; then
  names=("$@")
else
  names=()
  for source in *.c *.wat; do names+=("${source%.*}"); done
fi

# Check every source and tool before building anything.
need_clang=false
need_deno=false
for name in "${names[@]}"; do
  if [ -f "$name.c" ]; then
    need_clang=true
  elif [ -f "$name.wat" ]; then
    need_deno=true
  else
    fail "no kernel $name.c or $name.wat in testdata/kernels"
  fi
done
if $need_clang; then
  command -v "$CLANG" >/dev/null 2>&1 ||
    fail "$CLANG not found; install it with: apt-get install -y clang-19 lld-19"
  command -v wasm-ld-19 >/dev/null 2>&1 || command -v wasm-ld >/dev/null 2>&1 ||
    fail "wasm-ld not found; install it with: apt-get install -y lld-19"
fi
if $need_deno; then
  command -v deno >/dev/null 2>&1 || fail "deno not found (needed to build the .wat kernels)"
fi

for name in "${names[@]}"; do
  if [ -f "$name.c" ]; then
    # shellcheck disable=SC2046 # the extra flags are words
    "$CLANG" "${COMMON[@]}" $(extra_flags "$name") "$name.c" -o "$name.wasm"
  else
    deno run -A "$root/cli.ts" parse "$name.wat" -o "$name.wasm"
  fi
  chmod 644 "$name.wasm" # wasm-ld marks its output executable
  echo "built testdata/kernels/$name.wasm ($(wc -c <"$name.wasm") bytes)"
done
