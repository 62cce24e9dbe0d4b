import net from 'node:net';

/** True when nothing accepts TCP connections on the address any more (a stopped machine's SSH, say). */
export function connectionRefused(address: { readonly value: string; readonly port?: number | undefined }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address.port ?? 22, address.value);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(true);
    });
  });
}
