"""Model files shipped with ficlens (trained by scripts in bench/, see BENCHMARKS.md)."""
