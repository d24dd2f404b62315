#!/bin/sh
# Starts `gab dap` on standard input and output, for DebugClient (it spawns RUNTIME EXECUTABLE).
cd "$(dirname "$0")/../.." && exec "${DENO:-deno}" run -A cli.ts dap
