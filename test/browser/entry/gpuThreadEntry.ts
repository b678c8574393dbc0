/** The GPU thread's script for the bridge test (the extension's web worker plays this role itself). */
import { startGpuThread, type GpuThreadScope } from '../../../src/worker/gpuThread';

startGpuThread(globalThis as unknown as GpuThreadScope);
