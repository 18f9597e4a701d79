// The simulator's own process for the benchmark: answers RemoteSimulator's commands over the IPC channel.
import { SimulatorHost, type SimulatorSettings } from './simulator.js';

interface Message {
  id: number;
  type: 'start' | 'clearRequests' | 'requests' | 'close';
  settings?: SimulatorSettings;
}

const host = new SimulatorHost();

process.on('message', (message: Message) => {
  const run = async (): Promise<unknown> => {
    switch (message.type) {
      case 'start':
        return host.start(message.settings!);
      case 'clearRequests':
        return host.clearRequests();
      case 'requests':
        return host.requests();
      case 'close':
        return host.close();
    }
  };
  run().then(
    (value) => process.send?.({ id: message.id, ok: true, value }),
    (error: unknown) => process.send?.({ id: message.id, ok: false, error: String(error) }),
  );
});
// Exits with the parent: a benchmark that crashes must not leave a server behind.
process.on('disconnect', () => {
  void host.close().then(() => process.exit(0));
});
process.send?.({ ready: true });
