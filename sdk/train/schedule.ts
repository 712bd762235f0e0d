/** Learning-rate schedule: linear warm-up, lr_t = lr · min(1, (t + 1) / warmup), then constant. */
export function warmupLr(lr: number, warmup: number, step: number): number {
  return warmup > 0 ? lr * Math.min(1, (step + 1) / warmup) : lr;
}
