/** Diffusion math: schedules, forward process, samplers (DDPM, DDIM, inversion, SDEdit), guidance, loss. */
export * from './schedule';
export * from './respace';
export * from './denoiser';
export * from './prediction';
export * from './q-sample';
export * from './guidance';
export * from './sampler-options';
export * from './ddim';
export * from './ddpm';
export * from './inversion';
export * from './sdedit';
export * from './loss';
export * from './slerp';
