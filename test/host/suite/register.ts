import { host, type HostInfo } from './hostInfo';

/** Registers every host test (call after the mocha tdd globals exist). require(), so the order is this one. */
export function registerSuites(info: HostInfo): void {
  Object.assign(host, info);
  require('./commands.test');
  require('./manage.test');
  require('./panel.test');
}
