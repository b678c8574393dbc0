import { setHostNote } from '../core/backend/hostNotes';

/**
 * WebGPU in Node comes from the N-API `webgpu` package (Dawn). Where it loads
 * and finds an adapter, `navigator.gpu` is installed for gpu.js; where it does
 * not (Debian 12's libstdc++ lacks GLIBCXX_3.4.32), the reason is recorded so
 * the backend report names it. Never throws.
 */
export async function loadNodeWebGPU(): Promise<boolean> {
  try {
    const g = globalThis as Record<string, unknown>;
    if ((g.navigator as { gpu?: unknown } | undefined)?.gpu) return true;
    const dawn = (await import('webgpu')) as unknown as { create(flags: string[]): unknown; globals: Record<string, unknown> };
    const gpu = dawn.create([]);
    const adapter = await (gpu as { requestAdapter(): Promise<unknown> }).requestAdapter();
    if (!adapter) {
      setHostNote('webgpu', "the N-API 'webgpu' (Dawn) package loaded but found no adapter");
      return false;
    }
    Object.assign(g, dawn.globals);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else Object.defineProperty(g, 'navigator', { value: { gpu }, configurable: true });
    setHostNote('webgpu', null);
    return true;
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
    setHostNote('webgpu', `the N-API 'webgpu' (Dawn) package did not load: ${why}`);
    return false;
  }
}
