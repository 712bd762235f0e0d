/**
 * What the page bundle sees in place of sdk/core/native/addon.ts (scripts/bundle-browser.mjs maps it here): a
 * browser has no native addon, so the SDK's wasm kernels run, exactly as in Node without the addon.
 */
import type { DnnlAddon, NativeStatus } from '../core/native/addon';

export type { DnnlAddon, NativeStatus };
export const addonPath = (): string => '';
export const defaultThreads = (): number => 1;
export const nativeAddon = (): DnnlAddon | undefined => undefined;
export const nativeStatus = (): NativeStatus => ({ available: false, detail: 'no native addon in a browser (wasm kernels)', file: '' });
export const setNativeThreads = (): void => undefined;
