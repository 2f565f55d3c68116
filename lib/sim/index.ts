export { startSimulator } from './simulator';
export type { Simulator, SimulatorOptions, SimFaults, ChurnOptions } from './simulator';
export { SimStore } from './sim-store';
export { SimApiError } from './errors';
export type { StatusObject } from './errors';
export type { KObj } from './resources';
